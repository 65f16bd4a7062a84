package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/logmill/logmill/contract/go/logmill"
)

// rec is a decoded record in comparable form; Offset is absolute in the stream.
type rec struct {
	Line      uint64
	Offset    int
	Time      string
	SevText   string
	Message   string
	Malformed bool
	Fields    string // "k=v|k=v"
}

func (r rec) field(k string) (string, bool) {
	for _, kv := range strings.Split(r.Fields, "|") {
		if key, v, ok := strings.Cut(kv, "="); ok && key == k {
			return v, true
		}
	}
	return "", false
}

// run feeds data to a new processor the way logmill does: chunk bytes at a
// time, re-sending unconsumed bytes first, growing the output buffer on
// NEED_SPACE (emulating the SDK shim), until eof.
func run(t *testing.T, data []byte, chunk, outCap int, opts ...string) []rec {
	t.Helper()
	p := NewProcessor()
	for i := 0; i+1 < len(opts); i += 2 {
		if err := p.(logmill.Configurer).Configure(opts[i], opts[i+1]); err != nil {
			t.Fatalf("configure %s=%s: %v", opts[i], opts[i+1], err)
		}
	}
	return runProc(t, p, data, chunk, outCap)
}

func runProc(t *testing.T, p logmill.Processor, data []byte, chunk, outCap int) []rec {
	t.Helper()
	var recs []rec
	out := make([]byte, outCap)
	base := 0 // stream offset of buf[0]
	fed := 0
	var buf []byte
	for guard := 0; ; guard++ {
		if guard > 10*len(data)+1000 {
			t.Fatal("no progress")
		}
		eof := fed == len(data)
		b := logmill.NewBatch(out)
		consumed, err := p.Parse(buf, eof, b)
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		if consumed < 0 || consumed > len(buf) {
			t.Fatalf("consumed %d of %d", consumed, len(buf))
		}
		if b.Count() == 0 && b.Need() > 0 && consumed == 0 {
			out = make([]byte, logmill.BatchHeaderSize+b.Need())
			continue
		}
		rs, err := logmill.DecodeBatch(b.Bytes())
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		for _, r := range rs {
			if r.Offset >= len(buf) || r.Offset < 0 {
				t.Fatalf("record offset %d outside input of %d", r.Offset, len(buf))
			}
			if r.Offset >= consumed {
				t.Fatalf("record at offset %d not consumed (%d)", r.Offset, consumed)
			}
			recs = append(recs, convert(r, base))
		}
		buf = buf[consumed:]
		base += consumed
		if eof && len(buf) == 0 {
			return recs
		}
		if consumed == 0 && len(rs) == 0 {
			if eof {
				t.Fatalf("at eof, %d bytes left unconsumed", len(buf))
			}
			// need more input
			n := chunk
			if fed+n > len(data) {
				n = len(data) - fed
			}
			buf = append(append([]byte(nil), buf...), data[fed:fed+n]...)
			fed += n
		}
	}
}

func convert(r logmill.Record, base int) rec {
	c := rec{Line: r.Line, Offset: base + r.Offset, SevText: string(r.SeverityText), Message: string(r.Message), Malformed: r.Malformed}
	if r.HasTime {
		c.Time = time.UnixMicro(r.Time).UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	var parts []string
	for _, f := range r.Fields {
		parts = append(parts, f.Key+"="+string(f.Value))
	}
	c.Fields = strings.Join(parts, "|")
	return c
}

func whole(t *testing.T, data string, opts ...string) []rec {
	t.Helper()
	return run(t, []byte(data), len(data)+1, 1<<20, opts...)
}

func dump(rs []rec) string {
	var sb strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&sb, "%+v\n", r)
	}
	return sb.String()
}

const tricky = "\xef\xbb\xbftime,level,message,host\r\n" +
	"2026-11-23T05:54:40Z,INFO,plain,web1\r\n" +
	"\r\n" +
	"2026-11-23T05:54:41.5Z,ERROR,\"multi\r\nline, with \"\"quotes\"\"\",web2\r\n" +
	"2026-11-23T05:54:42Z,WARN,\"\",\n" +
	"\n\n" +
	"2026-11-23T05:54:43Z,DEBUG,lazy \"quote\" inside,\"web\n3\"\n" +
	"2026-11-23T05:54:44Z,INFO,\"ends with quote\"\"\"  ,web4\n" +
	"garbage,x,y\n" +
	"2026-11-23T05:54:45Z,INFO,last line without newline,web5"

func TestTricky(t *testing.T) {
	got := whole(t, tricky)
	want := []rec{
		{Line: 2, Offset: 28, Time: "2026-11-23T05:54:40.000000Z", SevText: "INFO", Message: "plain", Fields: "host=web1"},
		{Line: 4, Offset: 68, Time: "2026-11-23T05:54:41.500000Z", SevText: "ERROR", Message: "multi\r\nline, with \"quotes\"", Fields: "host=web2"},
		{Line: 6, Offset: 134, Time: "2026-11-23T05:54:42.000000Z", SevText: "WARN"},
		{Line: 9, Offset: 166, Time: "2026-11-23T05:54:43.000000Z", SevText: "DEBUG", Message: "lazy \"quote\" inside", Fields: "host=web\n3"},
		{Line: 11, Offset: 221, Time: "2026-11-23T05:54:44.000000Z", SevText: "INFO", Message: "ends with quote\"", Fields: "host=web4"},
		{Line: 12, Offset: 274, SevText: "x", Message: "y", Fields: "time=garbage"},
		{Line: 13, Offset: 286, Time: "2026-11-23T05:54:45.000000Z", SevText: "INFO", Message: "last line without newline", Fields: "host=web5"},
	}
	if dump(got) != dump(want) {
		t.Fatalf("got\n%swant\n%s", dump(got), dump(want))
	}
}

// Every chunk size, from 1 byte up, must give the same records; so must a
// tiny output buffer (partial batches and NEED_SPACE).
func TestChunkBoundaries(t *testing.T) {
	for name, data := range map[string]string{"tricky": tricky, "postgres": pgSample, "headerless": headerless} {
		want := dump(whole(t, data))
		for chunk := 1; chunk <= len(data); chunk++ {
			if got := dump(run(t, []byte(data), chunk, 1<<16)); got != want {
				t.Fatalf("%s: chunk %d:\n%s\nwant\n%s", name, chunk, got, want)
			}
		}
		for _, outCap := range []int{16, 40, 100, 300} {
			if got := dump(run(t, []byte(data), 7, outCap)); got != want {
				t.Fatalf("%s: out %d:\n%s\nwant\n%s", name, outCap, got, want)
			}
		}
	}
}

// A realistic PostgreSQL 14+ csvlog (26 columns), with a multi-line query.
const pgSample = `2026-11-23 05:54:20.208 UTC,"postgres","shop",4242,"10.0.0.5:52114",6561a1b4.1092,3,"SELECT",2026-11-23 05:50:01 UTC,3/1877,0,ERROR,42P01,"relation ""orders_archive"" does not exist",,,,,,"SELECT o.id, o.total
FROM orders_archive o
WHERE o.created_at > now() - interval '1 day';",15,,"psql","client backend",,-6181720523431466390
2026-11-23 05:54:21.004 UTC,,,1,,6561a0f2.1,7,,2026-11-23 05:41:06 UTC,,0,LOG,00000,"checkpoint complete: wrote 44 buffers (0.3%); 0 WAL file(s) added, 0 removed, 0 recycled; write=4.309 s, sync=0.005 s, total=4.329 s; sync files=12, longest=0.002 s, average=0.001 s; distance=250 kB, estimate=250 kB",,,,,,,,,"","checkpointer",,0
2026-11-23 05:54:22.913 UTC,"app","shop",4250,"10.0.0.7:52120",6561a1be.109a,1,"authentication",2026-11-23 05:54:22 UTC,4/12,0,FATAL,28P01,"password authentication failed for user ""app""","Connection matched pg_hba.conf line 99: ""host all all 0.0.0.0/0 scram-sha-256""",,,,,,,,"","client backend",,0
2026-11-23 05:54:23.001 UTC,"postgres","shop",4242,"10.0.0.5:52114",6561a1b4.1092,4,"UPDATE",2026-11-23 05:50:01 UTC,3/1878,9921,WARNING,01000,"there is no transaction in progress",,"Use BEGIN first.",,,"PL/pgSQL function f() line 3 at RAISE",,,,"psql","client backend",,0
`

func TestPostgresCsvlog(t *testing.T) {
	got := whole(t, pgSample)
	if len(got) != 4 {
		t.Fatalf("%d records:\n%s", len(got), dump(got))
	}
	r := got[0]
	if r.Line != 1 || r.Time != "2026-11-23T05:54:20.208000Z" || r.SevText != "ERROR" || r.Message != `relation "orders_archive" does not exist` {
		t.Fatalf("record 0: %+v", r)
	}
	for k, v := range map[string]string{"user_name": "postgres", "database_name": "shop", "process_id": "4242",
		"sql_state_code": "42P01", "query": "SELECT o.id, o.total\nFROM orders_archive o\nWHERE o.created_at > now() - interval '1 day';",
		"query_pos": "15", "application_name": "psql", "backend_type": "client backend", "query_id": "-6181720523431466390",
		"session_start_time": "2026-11-23 05:50:01 UTC"} {
		if got, ok := r.field(k); !ok || got != v {
			t.Errorf("record 0 %s = %q, %v; want %q", k, got, ok, v)
		}
	}
	for _, k := range []string{"detail", "hint", "leader_pid", "log_time", "error_severity", "message"} {
		if _, ok := r.field(k); ok {
			t.Errorf("record 0 has field %s", k)
		}
	}
	if got[1].Line != 4 || got[1].SevText != "LOG" || got[1].Fields != "process_id=1|session_id=6561a0f2.1|session_line_num=7|session_start_time=2026-11-23 05:41:06 UTC|transaction_id=0|sql_state_code=00000|backend_type=checkpointer|query_id=0" {
		t.Errorf("record 1: %+v", got[1])
	}
	if v, _ := got[2].field("detail"); got[2].Line != 5 || got[2].SevText != "FATAL" || v != `Connection matched pg_hba.conf line 99: "host all all 0.0.0.0/0 scram-sha-256"` {
		t.Errorf("record 2: %+v", got[2])
	}
	if v, _ := got[3].field("hint"); v != "Use BEGIN first." {
		t.Errorf("record 3: %+v", got[3])
	}
	if v, _ := got[3].field("context"); v != "PL/pgSQL function f() line 3 at RAISE" {
		t.Errorf("record 3: %+v", got[3])
	}

	// PostgreSQL 13 (24 columns) and 12 (23 columns)
	pg13 := "2026-11-23 05:54:20.208 CET,\"u\",\"d\",1,,s,1,,2026-11-23 05:50:01 CET,,0,NOTICE,00000,\"hello\",,,,,,,,,\"app\",\"client backend\"\n"
	if r := whole(t, pg13); len(r) != 1 || r[0].Time != "2026-11-23T04:54:20.208000Z" || r[0].SevText != "NOTICE" || r[0].Message != "hello" ||
		!strings.HasSuffix(r[0].Fields, "application_name=app|backend_type=client backend") {
		t.Errorf("pg13: %s", dump(r))
	}
	pg12 := "2026-11-23 05:54:20.208 UTC,\"u\",\"d\",1,,s,1,,2026-11-23 05:50:01 UTC,,0,DEBUG2,00000,\"hello\",,,,,,,,,\"app\"\n"
	if r := whole(t, pg12); len(r) != 1 || r[0].SevText != "DEBUG2" || r[0].Message != "hello" || !strings.HasSuffix(r[0].Fields, "application_name=app") {
		t.Errorf("pg12: %s", dump(r))
	}
	if s := NewProcessor().(logmill.Detector).Detect([]byte(pgSample)); s != 95 {
		t.Errorf("detect pg = %d", s)
	}
}

const headerless = "2026-11-23 05:54:40|web1|ERROR|disk full on /var, cleaning up|42\n" +
	"2026-11-23 05:54:41|web2|info|\"all good\"|7\n" +
	"2026-11-23 05:54:42|web3|W|short|1|extra\n"

func TestHeaderless(t *testing.T) {
	got := whole(t, headerless)
	want := []rec{
		{Line: 1, Offset: 0, Time: "2026-11-23T05:54:40.000000Z", SevText: "ERROR", Message: "disk full on /var, cleaning up", Fields: "col2=web1|col5=42"},
		{Line: 2, Offset: 65, Time: "2026-11-23T05:54:41.000000Z", SevText: "info", Message: "all good", Fields: "col2=web2|col5=7"},
		{Line: 3, Offset: 108, Time: "2026-11-23T05:54:42.000000Z", SevText: "W", Message: "short", Fields: "col2=web3|col5=1|col6=extra"},
	}
	if dump(got) != dump(want) {
		t.Fatalf("got\n%swant\n%s", dump(got), dump(want))
	}
	// tz applies to zone-less stamps
	p := NewProcessor()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	p.(logmill.ZoneSetter).SetZone(berlin)
	if r := runProc(t, p, []byte(headerless), 1000, 1<<16); r[0].Time != "2026-11-23T04:54:40.000000Z" {
		t.Errorf("tz: %+v", r[0])
	}
}

func TestHeaderDetection(t *testing.T) {
	// header with unusual names: no time/level/message by name, inferred from data
	data := "when\tsev\tnote\tn\n2026-11-23T05:54:40Z\tWARN\tsomething happened\t3\n"
	r := whole(t, data)
	if len(r) != 1 || r[0].Line != 2 || r[0].Time == "" || r[0].SevText != "WARN" || r[0].Message != "something happened" || r[0].Fields != "n=3" {
		t.Fatalf("%s", dump(r))
	}
	// a first row with a number is data
	r = whole(t, "alpha,beta,1\ngamma,delta,2\n")
	if len(r) != 2 || r[0].Line != 1 {
		t.Fatalf("%s", dump(r))
	}
	// duplicate names: not a header in auto mode; header=yes keeps both, deduplicated
	r = whole(t, "a,a\nx,y\n")
	if len(r) != 2 {
		t.Fatalf("dup auto: %s", dump(r))
	}
	r = whole(t, "a,a,msg\nx,y,hello\n", "header", "yes")
	if len(r) != 1 || r[0].Fields != "a=x|a_2=y" || r[0].Message != "hello" {
		t.Fatalf("dup yes: %s", dump(r))
	}
	// header=no: the first row is data
	r = whole(t, "time,level,message\n", "header", "no")
	if len(r) != 1 {
		t.Fatalf("header=no: %s", dump(r))
	}
	// columns for a headerless file; preference order: "timestamp" beats "date"
	r = whole(t, "2026-11-23,2026-11-23T05:54:40Z,E,boom\n", "columns", "date,timestamp,lvl,text")
	if len(r) != 1 || r[0].Time != "2026-11-23T05:54:40.000000Z" || r[0].SevText != "E" || r[0].Message != "boom" || r[0].Fields != "date=2026-11-23" {
		t.Fatalf("columns: %s", dump(r))
	}
	// only a header
	if r := whole(t, "time,level,message\n"); len(r) != 0 {
		t.Fatalf("header only: %s", dump(r))
	}
	// empty input
	if r := whole(t, ""); len(r) != 0 {
		t.Fatal("empty input gave records")
	}
}

func TestOptions(t *testing.T) {
	data := "a;b;c\n1795413280;x;hello\n"
	r := whole(t, data, "time", "a", "severity", "2", "message", "C")
	if len(r) != 1 || r[0].Time != "2026-11-23T05:54:40.000000Z" || r[0].SevText != "x" || r[0].Message != "hello" || r[0].Fields != "" {
		t.Fatalf("%s", dump(r))
	}
	r = whole(t, "a|b\n1|2\n", "delimiter", "|", "message", "none")
	if len(r) != 1 || r[0].Message != "" || r[0].Fields != "a=1|b=2" {
		t.Fatalf("%s", dump(r))
	}
	r = whole(t, "x,y\tz\n", "delimiter", "tab", "header", "no")
	if len(r) != 1 || r[0].Message != "x,y" {
		t.Fatalf("tab: %s", dump(r))
	}
	p := NewProcessor().(logmill.Configurer)
	err := p.Configure("bogus", "1")
	if err == nil || err.Error() != `unknown option "bogus" (known: delimiter, header, columns, time, severity, message)` {
		t.Fatalf("unknown option: %v", err)
	}
	for _, kv := range [][2]string{{"delimiter", ";;"}, {"delimiter", `"`}, {"header", "maybe"}, {"time", "0"}} {
		if err := p.Configure(kv[0], kv[1]); err == nil {
			t.Errorf("%s=%s accepted", kv[0], kv[1])
		}
	}
	// an override naming no column fails the stream
	q := NewProcessor()
	q.(logmill.Configurer).Configure("time", "nope")
	if _, err := q.Parse([]byte("a,b\n1,2\n"), true, logmill.NewBatch(make([]byte, 1024))); err == nil || !strings.Contains(err.Error(), `"nope" not found`) {
		t.Fatalf("bad column: %v", err)
	}
}

func TestUnterminatedQuote(t *testing.T) {
	data := "time,message\n2026-11-23T05:54:40Z,fine\n2026-11-23T05:54:41Z,\"never closed\nstill inside\n" + strings.Repeat("é", 150)
	want := dump(whole(t, data))
	r := whole(t, data)
	if len(r) != 2 || !r[1].Malformed || r[1].Message != "unterminated quote" || r[1].Line != 3 || r[1].Offset != 39 {
		t.Fatalf("%s", want)
	}
	raw, _ := r[1].field("raw")
	if len(raw) > 200 || !strings.HasPrefix(raw, "2026-11-23T05:54:41Z,\"never closed\n") || !utf8Valid(raw) {
		t.Fatalf("raw %q (%d bytes)", raw, len(raw))
	}
	for chunk := 1; chunk < len(data); chunk += 3 {
		if got := dump(run(t, []byte(data), chunk, 1<<16)); got != want {
			t.Fatalf("chunk %d:\n%s", chunk, got)
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestDetect(t *testing.T) {
	d := NewProcessor().(logmill.Detector)
	table := "time,level,message\n2026-11-23T05:54:40Z,INFO,a\n2026-11-23T05:54:41Z,INFO,b\n"
	for _, c := range []struct {
		head     string
		min, max int
	}{
		{pgSample, 95, 95},
		{table, 60, 80},
		{"a\tb\tc\n" + strings.Repeat("1\t2\t3\n", 9), 60, 80},
		// the same row over and over: no header, no known layout
		{strings.Repeat("a\tb\tc\n", 10), 0, 0},
		{"2026-11-23 05:54:40 INFO hello\n2026-11-23 05:54:41 INFO world\n", 0, 0},
		{`127.0.0.1 - - [23/Nov/2026:05:54:40 +0000] "GET / HTTP/1.1" 200 12 "-" "Mozilla/5.0 (X11; Linux x86_64)"` + "\n" +
			`127.0.0.1 - - [23/Nov/2026:05:54:41 +0000] "GET /a HTTP/1.1" 404 0 "-" "curl/8.0 (x, y)"` + "\n", 0, 0},
		{"a,b\nc,d,e\n", 0, 0},
		{"", 0, 0},
	} {
		if s := d.Detect([]byte(c.head)); s < c.min || s > c.max {
			t.Errorf("Detect(%.40q) = %d, want %d..%d", c.head, s, c.min, c.max)
		}
	}
}

// Text logs that used to be claimed (and cut at a comma or a bar): the
// detector must leave them to text.
func TestDetectLeavesTextLogs(t *testing.T) {
	d := NewProcessor().(logmill.Detector)
	for name, head := range map[string]string{
		// Python logging's default shape (and log4j's ISO8601): the comma is the fraction's
		"python logging": "2026-11-25 20:43:13,459 INFO app: started\n2026-11-25 20:43:13,460 WARNING app: disk at 91%\n" +
			"2026-11-25 20:43:14,001 ERROR app: lost connection\n2026-11-25 20:43:15,002 INFO app: retry\n" +
			"2026-11-25 20:43:15,100 INFO app: ok\n2026-11-25 20:43:16,200 DEBUG app: idle\n",
		"colon-separated with comma fraction, CRLF": "2012-07-02 10:22:40,672:DEBUG:foo bar baz\r\n2014-10-08 16:56:38,344:WARN:foo bar baz\r\n",
		// a comma in every line, but after a timestamp: text, not a 2-column table
		"timestamped text with one comma": "2026-11-25 20:43:13 started worker 1, pid 10\n2026-11-25 20:43:14 started worker 2, pid 11\n" +
			"2026-11-25 20:43:15 started worker 3, pid 12\n",
		// uWSGI request lines: the bars are inside brackets
		"uwsgi": "[pid: 881|app: 0|req: 1/1] 127.0.0.1 () {38 vars in 696 bytes} [Sun Mar 13 22:49:12 2016] POST /a => generated 47 bytes (HTTP/1.1 200)\n" +
			"[pid: 881|app: 0|req: 2/2] 127.0.0.1 () {38 vars in 696 bytes} [Sun Mar 13 22:49:15 2016] POST /b => generated 47 bytes (HTTP/1.1 200)\n",
		// docker compose: the service name comes back in its column, so it is no header
		"docker compose": "web_1    | Starting server\nweb_1    | Listening on 80\nweb_1    | GET / 200\n",
		// headerless, unquoted, consistent: could be anything, so not claimed
		"headerless table": "2026-11-23T05:54:40Z,INFO,a\n2026-11-23T05:54:41Z,INFO,b\n2026-11-23T05:54:42Z,WARN,c\n",
	} {
		if s := d.Detect([]byte(head)); s != 0 {
			t.Errorf("%s: Detect = %d, want 0", name, s)
		}
	}
}

// What the detector still claims: a header of names, a quoted first column
// (OpenAM's audit log shape), a header whose data rows start with a time.
func TestDetectClaimsTables(t *testing.T) {
	d := NewProcessor().(logmill.Detector)
	for name, c := range map[string]struct {
		head     string
		min, max int
	}{
		"header, timed rows":  {"Started,Host,Status\n2026-11-23 05:54:40,web1,ok\n2026-11-23 05:54:41,web2,down\n", 60, 60},
		"header with aliases": {"timestamp;level;msg\n2026-11-23 05:54:40;INFO;a\n2026-11-23 05:54:41;WARN;b\n", 70, 70},
		"quoted first column": {"\"2014-06-15 01:04:52\"\t\"a|b\"\tINFO\tx\n\"2014-06-15 01:04:53\"\t\"c\"\tFINE\ty\n", 60, 60},
	} {
		if s := d.Detect([]byte(c.head)); s < c.min || s > c.max {
			t.Errorf("%s: Detect = %d, want %d..%d", name, s, c.min, c.max)
		}
	}
}

func TestMetadata(t *testing.T) {
	p := NewProcessor()
	if p.Name() != "csv" {
		t.Fatal(p.Name())
	}
	if e := p.(logmill.Extensioner).Extensions(); strings.Join(e, ",") != "csv,tsv" {
		t.Fatal(e)
	}
	if a := p.(logmill.Abouter).About(); a["version"] != "1.0.0" || a["description"] == "" {
		t.Fatal(a)
	}
	// the host's probe: empty input at eof
	b := logmill.NewBatch(make([]byte, 64))
	if c, err := p.Parse(nil, true, b); c != 0 || err != nil || b.Count() != 0 {
		t.Fatal(c, err)
	}
}

func TestNoAllocationsPerRecord(t *testing.T) {
	var sb bytes.Buffer
	sb.WriteString("time,level,message,host,n\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&sb, "2026-11-23T05:54:%02d.%03dZ,INFO,\"message, number %d\",web%d,%d\n", i%60, i%1000, i, i%7, i)
	}
	data := sb.Bytes()
	out := make([]byte, 1<<20)
	p := NewProcessor()
	p.Parse(data, false, logmill.NewBatch(out)) // warm up: header and scratch
	body := data[bytes.IndexByte(data, '\n')+1:]
	allocs := testing.AllocsPerRun(20, func() {
		c, err := p.Parse(body, false, logmill.NewBatch(out))
		if err != nil || c != len(body) {
			t.Fatal(c, err)
		}
	})
	// NewBatch itself allocates one Batch per run
	if allocs > 1 {
		t.Fatalf("%v allocations per Parse of 2000 records", allocs)
	}
}

// The scanner agrees with encoding/csv on well-formed random input.
func TestScannerMatchesEncodingCSV(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	alphabet := []string{"a", "b", "z", " ", ",", ";", "\"", "\n", "é", "x\"y", "12", ""}
	for round := 0; round < 300; round++ {
		var rows [][]string
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		nf := 2 + rng.Intn(5)
		for r := 0; r < 1+rng.Intn(8); r++ {
			row := make([]string, nf)
			for f := range row {
				var sb strings.Builder
				for k := rng.Intn(6); k > 0; k-- {
					sb.WriteString(alphabet[rng.Intn(len(alphabet))])
				}
				row[f] = sb.String()
			}
			rows = append(rows, row)
			w.Write(row)
		}
		w.Flush()
		data := buf.Bytes()
		p := &csvProcessor{delim: ','}
		pos := 0
		for i, want := range rows {
			next, st := p.scan(data, pos, true)
			if st != scanOK {
				t.Fatalf("round %d row %d: status %d in %q", round, i, st, data)
			}
			got := make([]string, len(p.vals))
			for k, v := range p.vals {
				got[k] = string(v)
			}
			if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Fatalf("round %d row %d: got %q want %q in %q", round, i, got, want, data)
			}
			pos = next
		}
		if pos != len(data) {
			t.Fatalf("round %d: %d of %d bytes", round, pos, len(data))
		}
	}
}
