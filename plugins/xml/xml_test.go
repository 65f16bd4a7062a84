package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logmill/logmill/contract/go/logmill"
)

// rec is a decoded record with its offset made absolute in the stream.
type rec struct {
	Time      int64
	HasTime   bool
	Sev       string
	Msg       string
	Line      uint64
	Off       int
	Malformed bool
	Fields    string // "k=v|k=v"
}

func (r rec) field(k string) (string, bool) {
	for _, kv := range strings.Split(r.Fields, "|") {
		if i := strings.IndexByte(kv, '='); i >= 0 && kv[:i] == k {
			return kv[i+1:], true
		}
	}
	return "", false
}

// run feeds data to a fresh processor in chunks of size chunk (0 = all at
// once) the way logmill does: unconsumed bytes first, then more appended.
func run(t *testing.T, data string, chunk, outCap int) []rec {
	t.Helper()
	x := NewProcessor().(*xmlProcessor)
	x.SetZone(time.UTC)
	var pending []byte
	fed, base, calls := 0, 0, 0
	var recs []rec
	outBuf := make([]byte, outCap)
	if chunk <= 0 {
		chunk = len(data) + 1
	}
	for {
		calls++
		if calls > 10*len(data)+100 {
			t.Fatalf("chunk %d: no progress", chunk)
		}
		eof := fed >= len(data)
		if len(outBuf) < outCap {
			outBuf = make([]byte, outCap)
		}
		b := logmill.NewBatch(outBuf[:outCap])
		n, err := x.Parse(pending, eof, b)
		if err != nil {
			t.Fatalf("chunk %d: Parse error: %v", chunk, err)
		}
		if n < 0 || n > len(pending) {
			t.Fatalf("chunk %d: consumed %d of %d", chunk, n, len(pending))
		}
		if b.Count() == 0 && n == 0 {
			if b.Need() > 0 {
				outCap = logmill.BatchHeaderSize + b.Need()
				continue
			}
			if eof {
				if len(pending) > 0 {
					t.Fatalf("chunk %d: eof but %d bytes left: %q", chunk, len(pending), pending)
				}
				break
			}
			end := fed + chunk
			if end > len(data) {
				end = len(data)
			}
			pending = append(pending, data[fed:end]...)
			fed = end
			continue
		}
		got, err := logmill.DecodeBatch(b.Bytes())
		if err != nil {
			t.Fatalf("chunk %d: DecodeBatch: %v", chunk, err)
		}
		for _, r := range got {
			if r.Offset >= n {
				t.Fatalf("chunk %d: record offset %d beyond consumed %d", chunk, r.Offset, n)
			}
			var fs []string
			for _, f := range r.Fields {
				fs = append(fs, f.Key+"="+string(f.Value))
			}
			recs = append(recs, rec{r.Time, r.HasTime, string(r.SeverityText), string(r.Message),
				r.Line, base + r.Offset, r.Malformed, strings.Join(fs, "|")})
		}
		pending = append([]byte(nil), pending[n:]...)
		base += n
	}
	return recs
}

// runAll parses data whole and in every chunk size 1..len(data) (and with a
// tiny output buffer) and checks that the results are identical.
func runAll(t *testing.T, data string) []rec {
	t.Helper()
	want := run(t, data, 0, 1<<20)
	for c := 1; c <= len(data); c++ {
		got := run(t, data, c, 1<<20)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("chunk size %d differs:\n got %+v\nwant %+v", c, got, want)
		}
	}
	if got := run(t, data, 7, 64); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("small out buffer differs:\n got %+v\nwant %+v", got, want)
	}
	return want
}

func us(s string) int64 {
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return tm.UnixMicro()
}

const julSample = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE log SYSTEM "logger.dtd">
<log>
<record>
  <date>2026-11-23T05:54:40.208205Z</date>
  <millis>1795413280208</millis>
  <nanos>205000</nanos>
  <sequence>0</sequence>
  <logger>app</logger>
  <level>SEVERE</level>
  <class>demo.Main</class>
  <method>main</method>
  <thread>1</thread>
  <message>disk &lt;full&gt; on /var</message>
  <exception>
    <message>java.io.IOException: boom</message>
    <frame>
      <class>demo.Main</class>
      <method>work</method>
      <line>12</line>
    </frame>
    <frame>
      <class>demo.Main</class>
      <method>main</method>
      <line>5</line>
    </frame>
  </exception>
</record>
<record>
  <date>2026-11-23T05:54:41.5Z</date>
  <millis>1795413281500</millis>
  <sequence>1</sequence>
  <logger>app</logger>
  <level>INFO</level>
  <class>demo.Main</class>
  <method>main</method>
  <thread>1</thread>
  <message>started</message>
</record>
</log>
`

func TestJUL(t *testing.T) {
	recs := runAll(t, julSample)
	if len(recs) != 2 {
		t.Fatalf("got %d records: %+v", len(recs), recs)
	}
	r := recs[0]
	if !r.HasTime || r.Time != us("2026-11-23T05:54:40.208205Z") {
		t.Errorf("time %d %v", r.Time, r.HasTime)
	}
	if r.Sev != "SEVERE" || r.Msg != "disk <full> on /var" || r.Line != 4 || r.Malformed {
		t.Errorf("record 0: %+v", r)
	}
	wantFields := "date=2026-11-23T05:54:40.208205Z|millis=1795413280208|nanos=205000|sequence=0|logger=app|" +
		"class=demo.Main|method=main|thread=1|exception.message=java.io.IOException: boom|" +
		"exception.frame.class=demo.Main\ndemo.Main|exception.frame.method=work\nmain|exception.frame.line=12\n5"
	if r.Fields != wantFields {
		t.Errorf("fields\n got %q\nwant %q", r.Fields, wantFields)
	}
	r = recs[1]
	if r.Time != us("2026-11-23T05:54:41.5Z") || r.Sev != "INFO" || r.Msg != "started" || r.Line != 29 {
		t.Errorf("record 1: %+v", r)
	}
}

// Java 8's XMLFormatter writes a zone-less local date without fraction:
// millis must win.
func TestJULOldDate(t *testing.T) {
	data := `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE log SYSTEM "logger.dtd">
<log>
<record>
  <date>2026-11-23T06:54:40</date>
  <millis>1795413280208</millis>
  <sequence>0</sequence>
  <level>WARNING</level>
  <message>careful</message>
</record>
`
	recs := runAll(t, data)
	if len(recs) != 1 || recs[0].Time != 1795413280208000 || recs[0].Sev != "WARNING" || recs[0].Msg != "careful" {
		t.Fatalf("%+v", recs)
	}
}

const log4jSample = `<log4j:event logger="com.acme.Db" timestamp="1795413280208" level="ERROR" thread="main">
<log4j:message><![CDATA[boom <not a tag> & more]]></log4j:message>
<log4j:throwable><![CDATA[java.lang.IllegalStateException: boom
	at com.acme.Db.run(Db.java:12)
]]></log4j:throwable>
<log4j:locationInfo class="com.acme.Db" method="run" file="Db.java" line="12"/>
<log4j:properties><log4j:data name="user" value="bob"/><log4j:data name="req" value="a&amp;b"/></log4j:properties>
</log4j:event>

<log4j:event logger="com.acme.Web" timestamp="1795413281000" level="INFO" thread="http-1">
<log4j:message><![CDATA[GET / ]]]]>&gt;<![CDATA[ done]]></log4j:message>
</log4j:event>
`

func TestLog4jFragments(t *testing.T) {
	recs := runAll(t, log4jSample)
	if len(recs) != 2 {
		t.Fatalf("got %d records: %+v", len(recs), recs)
	}
	r := recs[0]
	if r.Time != 1795413280208000 || r.Sev != "ERROR" || r.Msg != "boom <not a tag> & more" || r.Line != 1 || r.Off != 0 {
		t.Errorf("record 0: %+v", r)
	}
	if v, _ := r.field("throwable"); v != "java.lang.IllegalStateException: boom\n\tat com.acme.Db.run(Db.java:12)" {
		t.Errorf("throwable %q", v)
	}
	if v, _ := r.field("locationInfo.@line"); v != "12" {
		t.Errorf("locationInfo.@line %q (%s)", v, r.Fields)
	}
	if v, _ := r.field("logger"); v != "com.acme.Db" {
		t.Errorf("logger %q", v)
	}
	if v, _ := r.field("properties.req"); v != "a&b" {
		t.Errorf("properties.req %q (%s)", v, r.Fields)
	}
	if v, _ := r.field("properties.user"); v != "bob" {
		t.Errorf("properties.user %q (%s)", v, r.Fields)
	}
	r = recs[1]
	if r.Msg != "GET / ]]> done" || r.Line != 10 || r.Sev != "INFO" || r.Time != 1795413281000000 {
		t.Errorf("record 1: %+v", r)
	}
}

func TestLog4j2(t *testing.T) {
	data := `<?xml version="1.0" encoding="UTF-8"?>
<Events xmlns="http://logging.apache.org/log4j/2.0/events">
<Event xmlns="http://logging.apache.org/log4j/2.0/events" timeMillis="1795413280208" thread="main" level="WARN" loggerName="x.Y" endOfBatch="false">
  <Instant epochSecond="1795413280" nanoOfSecond="208205999"/>
  <Message>low disk</Message>
  <ContextMap><item key="user" value="bob"/></ContextMap>
</Event>
<Event timeMillis="1795413281000" level="INFO"><Message>x</Message></Event>
</Events>
`
	recs := runAll(t, data)
	if len(recs) != 2 {
		t.Fatalf("%+v", recs)
	}
	if r := recs[0]; r.Time != 1795413280208205 || r.Sev != "WARN" || r.Msg != "low disk" || r.Line != 3 {
		t.Errorf("record 0: %+v", r)
	}
	if v, _ := recs[0].field("ContextMap.user"); v != "bob" {
		t.Errorf("fields %s", recs[0].Fields)
	}
	if _, ok := recs[0].field("xmlns"); ok {
		t.Errorf("xmlns kept: %s", recs[0].Fields)
	}
	if r := recs[1]; r.Time != 1795413281000000 || r.Msg != "x" || r.Line != 8 {
		t.Errorf("record 1: %+v", r)
	}

	// root-less log4j2 (complete=false)
	recs = runAll(t, "<Event level=\"DEBUG\" timeMillis=\"1795413280208\"><Message>a</Message></Event>\n<Event level=\"INFO\"><Message>b</Message></Event>\n")
	if len(recs) != 2 || recs[0].Msg != "a" || recs[1].Msg != "b" || recs[1].Line != 2 || recs[1].HasTime {
		t.Fatalf("%+v", recs)
	}
}

func TestEntitiesAndCDATA(t *testing.T) {
	data := "\xEF\xBB\xBF<log>\n<!-- a comment -->\n<?pi stuff?>\n" +
		`<entry time="2026-11-23T05:54:40Z" sev='E' note="a&amp;b &#65;&#x42; &#x1F600; &bogus; & x">` +
		"<msg>  &lt;tag&gt; &quot;q&quot; &apos;a&apos; <![CDATA[<raw> &amp;]]> tail  </msg>" +
		"<!-- skip --><?skip?><empty/><user>\n</user><k>v<b>1</b>w</k></entry>\n</log>\n"
	recs := runAll(t, data)
	if len(recs) != 1 {
		t.Fatalf("%+v", recs)
	}
	r := recs[0]
	if r.Msg != `<tag> "q" 'a' <raw> &amp; tail` {
		t.Errorf("msg %q", r.Msg)
	}
	if r.Time != us("2026-11-23T05:54:40Z") || r.Line != 4 {
		t.Errorf("%+v", r)
	}
	if v, _ := r.field("note"); v != "a&b AB \U0001F600 &bogus; & x" {
		t.Errorf("note %q", v)
	}
	if v, ok := r.field("empty"); !ok || v != "" {
		t.Errorf("empty %q %v", v, ok)
	}
	if v, ok := r.field("user"); !ok || v != "" {
		t.Errorf("user %q %v", v, ok)
	}
	if v, _ := r.field("k"); v != "vw" {
		t.Errorf("k %q (%s)", v, r.Fields)
	}
	if v, _ := r.field("k.b"); v != "1" {
		t.Errorf("k.b %q", v)
	}
	if r.Sev != "" {
		t.Errorf("sev %q", r.Sev) // 'sev' is not a severity name
	}
}

func TestMalformed(t *testing.T) {
	data := `<log>
<record><level>INFO</level><message>one</message></record>
<record><level>ERROR</level><message>two</x></record>
<record><level>WARN</level><message>a < b</message></record>
<record><level>INFO</level><message>three</message></record>
<record><level>INFO</level>
<message>four</message></record>
</log>
`
	recs := runAll(t, data)
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%d %v %s", r.Line, r.Malformed, r.Msg))
	}
	want := []string{
		"2 false one",
		"3 true mismatched end tag </x>, expected </message>",
		"4 true unescaped '<' in <message>",
		"5 false three",
		"6 false four",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if v, _ := recs[1].field("raw"); !strings.HasPrefix(v, "<record><level>ERROR</level>") {
		t.Errorf("raw %q", v)
	}

	// unterminated at eof, and a record missing its end tag before a good one
	data = "<log>\n<record><message>ok</message></record>\n<record><message>lost</message>\n<record><message>fine</message></record>\n<record><message>cut"
	recs = runAll(t, data)
	got = got[:0]
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%d %v %s", r.Line, r.Malformed, r.Msg))
	}
	want = []string{
		"2 false ok",
		"3 true unterminated element <record> at end of input",
		"4 false fine",
		"5 true unterminated element <record> at end of input",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// garbage outside records, long raw cut at 200 bytes
	data = "<log>\nnot xml\n<record><message>" + strings.Repeat("é", 150) + "</oops></record><record><message>ok</message></record></log>"
	recs = runAll(t, data)
	if len(recs) != 3 || !recs[0].Malformed || recs[0].Msg != "unexpected text outside a record" || recs[0].Line != 2 ||
		!recs[1].Malformed || recs[1].Line != 3 || recs[2].Msg != "ok" {
		t.Fatalf("%+v", recs)
	}
	if v, _ := recs[1].field("raw"); len(v) < 197 || len(v) > 200 || !utf8.ValidString(v) {
		t.Errorf("raw length %d, valid UTF-8 %v", len(v), utf8.ValidString(v))
	}
}

func TestEmptyAndRootClose(t *testing.T) {
	if recs := run(t, "", 0, 1024); len(recs) != 0 {
		t.Fatal(recs)
	}
	// a root that is closed, then a second document appended; a JUL header
	// repeated inside an unclosed root
	data := `<?xml version="1.0"?><log><record><message>a</message></record></log>
<?xml version="1.0"?><!DOCTYPE log SYSTEM "logger.dtd" [ <!ENTITY x "y>"> ]><log><record><message>b</message></record>
<?xml version="1.0"?><!DOCTYPE log SYSTEM "logger.dtd"><log><record><message>c</message></record></log>`
	recs := runAll(t, data)
	if len(recs) != 3 || recs[0].Msg != "a" || recs[1].Msg != "b" || recs[2].Msg != "c" || recs[2].Malformed || recs[2].Line != 3 {
		t.Fatalf("%+v", recs)
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		head string
		want int
	}{
		{julSample, 100},
		{julSample[:60], 30},
		{log4jSample, 100},
		{"  \n<log4j:event logger=\"x\"", 100},
		{`<?xml version="1.0"?><Events><Event level="INFO"/><Event level="WARN"/></Events>`, 90},
		{`<Event level="INFO"/><Event level="WARN"/>`, 90},
		{`<?xml version="1.0"?><config><a>1</a><b>2</b></config>`, 60},
		{`{"level":"info"}`, 0},
		{"hello <world>", 0},
		{"", 0},
	}
	x := NewProcessor().(*xmlProcessor)
	for _, c := range cases {
		if got := x.Detect([]byte(c.head)); got != c.want {
			t.Errorf("Detect(%.40q) = %d, want %d", c.head, got, c.want)
		}
	}
}

func TestUTF16(t *testing.T) {
	x := NewProcessor().(*xmlProcessor)
	if _, err := x.Parse([]byte("\xFF\xFE<\x00"), true, logmill.NewBatch(make([]byte, 1024))); err == nil {
		t.Fatal("want error for UTF-16")
	}
}

// Steady state: no allocation per record.
func TestNoAllocPerRecord(t *testing.T) {
	rec := julSample[strings.Index(julSample, "<record>"):strings.Index(julSample, "</log>")]
	data := []byte("<log>\n" + strings.Repeat(rec, 200))
	out := make([]byte, 4<<20)
	x := NewProcessor()
	x.Parse(data, false, logmill.NewBatch(out)) // warm up the name table
	allocs := testing.AllocsPerRun(5, func() {
		x := x.(*xmlProcessor)
		x.p.mode = modeRoot
		n, _ := x.Parse(data[6:], false, logmill.NewBatch(out))
		if n == 0 {
			t.Fatal("nothing consumed")
		}
	})
	if allocs > 2 {
		t.Fatalf("%v allocations for 400 records", allocs)
	}
}

// BenchmarkJUL measures the Go side (without the C boundary).
func BenchmarkJUL(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(julSample[:strings.Index(julSample, "<record>")])
	rec := julSample[strings.Index(julSample, "<record>"):strings.Index(julSample, "</log>")]
	for sb.Len() < 8<<20 {
		sb.WriteString(rec)
	}
	data := []byte(sb.String())
	out := make([]byte, 4<<20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := NewProcessor()
		in := data
		for {
			batch := logmill.NewBatch(out)
			n, err := x.Parse(in, true, batch)
			if err != nil {
				b.Fatal(err)
			}
			in = in[n:]
			if len(in) == 0 {
				break
			}
		}
	}
}

func TestZone(t *testing.T) {
	x := NewProcessor().(*xmlProcessor)
	x.SetZone(time.FixedZone("", 3600))
	b := logmill.NewBatch(make([]byte, 4096))
	x.Parse([]byte("<entries><entry><time>2026-11-23 06:54:40</time><severity>warn</severity><text>t</text></entry></entries>"), true, b)
	recs, err := logmill.DecodeBatch(b.Bytes())
	if err != nil || len(recs) != 1 || recs[0].Time != us("2026-11-23T05:54:40Z") || string(recs[0].SeverityText) != "warn" || string(recs[0].Message) != "t" {
		t.Fatalf("%v %+v", err, recs)
	}
}

// FuzzChunks: any input is parsed without error or panic, consumed entirely
// at eof, and gives the same records whatever the chunking.
func FuzzChunks(f *testing.F) {
	for _, s := range []string{julSample, log4jSample, "<log><record><a>x</b></record><record/></log>",
		"<a><b c='1'>&amp;<![CDATA[x]]></b><!-- c --><?p?></a>", "<<>>", "<log>text<record>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2000 {
			return
		}
		if len(s) >= 2 && ((s[0] == 0xFE && s[1] == 0xFF) || (s[0] == 0xFF && s[1] == 0xFE)) {
			return // UTF-16: an error by design
		}
		want := fmt.Sprint(run(t, s, 0, 1<<16))
		for _, c := range []int{1, 2, 3, 5, 17, 64} {
			if got := fmt.Sprint(run(t, s, c, 1<<16)); got != want {
				t.Fatalf("chunk %d:\n got %s\nwant %s", c, got, want)
			}
		}
		detectXML([]byte(s))
	})
}

func BenchmarkLog4j(b *testing.B) {
	var sb strings.Builder
	for sb.Len() < 8<<20 {
		sb.WriteString(log4jSample)
	}
	data := []byte(sb.String())
	out := make([]byte, 4<<20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := NewProcessor()
		in := data
		for len(in) > 0 {
			n, err := x.Parse(in, true, logmill.NewBatch(out))
			if err != nil {
				b.Fatal(err)
			}
			in = in[n:]
		}
	}
}

// BenchmarkFile measures the plugin alone on a real file, fed in 4 MiB
// chunks as logmill feeds it (without the C boundary):
//
//	LOGMILL_BENCH_XML=/work/main/bench/data/bench-xml-20000000-s1.xml go test -run '^$' -bench BenchmarkFile
func BenchmarkFile(b *testing.B) {
	file := os.Getenv("LOGMILL_BENCH_XML")
	if file == "" {
		b.Skip("set LOGMILL_BENCH_XML to an XML log file")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]byte, 4<<20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := NewProcessor()
		pos := 0
		for pos < len(data) {
			end := pos + 4<<20
			if end > len(data) {
				end = len(data)
			}
			n, err := x.Parse(data[pos:end], end == len(data), logmill.NewBatch(out))
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 && end < len(data) {
				end = len(data) // a record longer than a chunk: give it all
				n, err = x.Parse(data[pos:end], true, logmill.NewBatch(out))
				if err != nil {
					b.Fatal(err)
				}
			}
			pos += n
		}
	}
}

// A log cut short gives the same malformed record whether or not its last
// line ends with a newline (plugins check --sample feeds both).
func TestCutShortWithOrWithoutNewline(t *testing.T) {
	cut := julSample[:strings.Index(julSample, "<record>\n  <date>2026-11-23T05:54:41.5Z")] + "<record>\n  <date>2026-11-23T05:54:41.5Z</date>\n"
	with := run(t, cut, 0, 1<<20)
	without := run(t, strings.TrimSuffix(cut, "\n"), 0, 1<<20)
	if fmt.Sprint(with) != fmt.Sprint(without) {
		t.Fatalf("with the final newline:\n%+v\nwithout:\n%+v", with, without)
	}
	if last := with[len(with)-1]; !last.Malformed || !strings.HasSuffix(last.Fields, "</date>") {
		t.Fatalf("last record: %+v", last)
	}
}
