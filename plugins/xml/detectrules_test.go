package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/logmill/logmill/contract/go/logmill"
)

// Every head Detect scores 50 or more must match the declared rules (else
// logmill would route it elsewhere without asking Detect), and a plain text
// log must not (else the rules save no worker).
func TestDetectRulesCoverDetect(t *testing.T) {
	x := NewProcessor().(*xmlProcessor)
	heads := []string{julSample, julSample[:60], log4jSample, "  \n<log4j:event logger=\"x\"", "\xef\xbb\xbf" + julSample,
		`<Event level="INFO"/><Event level="WARN"/>`, `<?xml version="1.0"?><config><a>1</a><b>2</b></config>`,
		"\r\n\t <record><level>INFO</level></record>\n<record><level>INFO</level></record>", `{"level":"info"}`, "hello <world>", ""}
	files, _ := filepath.Glob("../../logs-samples/*")
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil {
			if len(b) > 64<<10 {
				b = b[:64<<10]
			}
			heads = append(heads, string(b))
		}
	}
	for _, h := range heads {
		ok, err := logmill.MatchDetectRules(x.DetectRules(), []byte(h))
		if err != nil {
			t.Fatal(err)
		}
		if s := x.Detect([]byte(h)); s >= 50 && !ok {
			t.Errorf("Detect(%.40q) = %d but the detect rules do not match it", h, s)
		}
	}
	for _, h := range []string{"2026-11-23T00:00:00Z INFO hello\n2026-11-23T00:00:01Z ERROR bad <x>\n", "time,level\n"} {
		if ok, _ := logmill.MatchDetectRules(x.DetectRules(), []byte(h)); ok {
			t.Errorf("detect rules match %.40q: a worker would start for a text log", h)
		}
	}
}
