package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logmill/logmill/contract/go/logmill"
)

// Every head Detect scores 50 or more must match the declared rules (else
// logmill would route it elsewhere without asking Detect), and a plain text
// log must not (else the rules save no worker).
func TestDetectRulesCoverDetect(t *testing.T) {
	p := NewProcessor().(*csvProcessor)
	heads := []string{pgSample, "\xef\xbb\xbf" + pgSample, "\n\r\n" + pgSample,
		"time,level,message\n2026-11-23T05:54:40Z,INFO,a\n2026-11-23T05:54:41Z,INFO,b\n",
		strings.Repeat("a\tb\tc\n", 10), strings.Repeat("a;b\n", 5), strings.Repeat("a|b\n", 5),
		"\"multi\nline\",x\n\"a\",b\n\"c\",d\n", "\r\n\r\nx,y\n1,2\n3,4\n",
		"2026-11-23 05:54:40 INFO hello\n2026-11-23 05:54:41 INFO world\n", "a,b\nc,d,e\n", ""}
	files, _ := filepath.Glob("../../logs-samples/*")
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil {
			if len(b) > 64<<10 {
				b = b[:64<<10]
			}
			heads = append(heads, string(b))
		}
	}
	scored := 0
	for _, h := range heads {
		ok, err := logmill.MatchDetectRules(p.DetectRules(), []byte(h))
		if err != nil {
			t.Fatal(err)
		}
		if s := p.Detect([]byte(h)); s >= 50 {
			scored++
			if !ok {
				t.Errorf("Detect(%.40q) = %d but the detect rules do not match it", h, s)
			}
		}
	}
	if scored < 8 {
		t.Fatalf("only %d heads scored 50 or more: the check covers too little", scored)
	}
	for _, h := range []string{"2026-11-23T00:00:00Z INFO hello world\n2026-11-23T00:00:01Z ERROR bad thing\n", "<log>\n",
		// Python logging's and log4j's default shape: the comma of the fraction is no delimiter
		"2026-11-25 20:43:13,459 INFO app: started\n2026-11-25 20:43:14,001 ERROR app: failed, retrying\n",
		// syslog and bracketed text with commas and pipes
		"Nov 26 01:00:00 host app[1]: a, b and c\nNov 26 01:00:01 host app[1]: d, e\n",
		"[pid: 1|app: 0|req: 1/1] 127.0.0.1 () {34 vars in 400 bytes}\n"} {
		if ok, _ := logmill.MatchDetectRules(p.DetectRules(), []byte(h)); ok {
			t.Errorf("detect rules match %.40q: a worker would start for a text log", h)
		}
	}
}
