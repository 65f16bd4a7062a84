package logmill

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// batchMDExample reads the bytes of the example block in contract/BATCH.md:
// hex pairs, 'c' for an ASCII character, # starts a comment.
func batchMDExample() ([]byte, error) {
	md, err := os.ReadFile(filepath.Join("..", "..", "BATCH.md"))
	if err != nil {
		return nil, err
	}
	s := string(md)
	i := strings.Index(s, "## Example")
	if i < 0 {
		return nil, fmt.Errorf("no example section")
	}
	s = s[i:]
	a := strings.Index(s, "```\n")
	if a < 0 {
		return nil, fmt.Errorf("no code block")
	}
	s = s[a+4:]
	s = s[:strings.Index(s, "```")]
	var out []byte
	for _, line := range strings.Split(s, "\n") {
		if h := strings.IndexByte(line, '#'); h >= 0 {
			line = line[:h]
		}
		for j := 0; j < len(line); {
			switch c := line[j]; {
			case c == ' ' || c == '\t':
				j++
			case c == '\'':
				if j+2 >= len(line) || line[j+2] != '\'' {
					return nil, fmt.Errorf("bad char literal in %q", line)
				}
				out = append(out, line[j+1])
				j += 3
			default:
				if j+2 > len(line) {
					return nil, fmt.Errorf("bad token in %q", line)
				}
				v, err := strconv.ParseUint(line[j:j+2], 16, 8)
				if err != nil {
					return nil, fmt.Errorf("bad hex in %q: %v", line, err)
				}
				out = append(out, byte(v))
				j += 2
			}
		}
	}
	return out, nil
}

// The example of contract/BATCH.md, byte for byte (also read from the file
// itself in TestBatchExample).
var batchExample = []byte{
	0x4c, 0x4d, 0x42, 0x31, 0x01, 0x00, 0x00, 0x00, 0x55, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x45, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00,
	0x80, 0xb4, 0xca, 0x3a, 0xeb, 0x60, 0x06, 0x00,
	0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x00, 0x00, 'E', 'R', 'R', 'O', 'R',
	0x09, 0x00, 0x00, 0x00, 'd', 'i', 's', 'k', ' ', 'f', 'u', 'l', 'l',
	0x04, 0x00, 0x00, 0x00, 'h', 'o', 's', 't', 0x03, 0x00, 0x00, 0x00, 'd', 'b', '1',
}

func exampleRecord(t *testing.T) *Record {
	us, ok := ParseTime([]byte("2026-11-23T05:54:40.208Z"), nil)
	if !ok {
		t.Fatal("example time did not parse")
	}
	return &Record{
		Time: us, HasTime: true,
		SeverityText: []byte("ERROR"), Message: []byte("disk full"),
		Line: 7, Offset: 0,
		Fields: []Field{{Key: "host", Value: []byte("db1")}},
	}
}

func TestBatchExample(t *testing.T) {
	b := NewBatch(make([]byte, 4096))
	if !b.Add(exampleRecord(t)) {
		t.Fatal("Add failed")
	}
	got := b.Bytes()
	md, err := batchMDExample()
	if err != nil {
		t.Fatalf("reading the example of BATCH.md: %v", err)
	}
	if !bytes.Equal(got, md) {
		t.Fatalf("batch differs from the example in BATCH.md:\n got % x\nwant % x", got, md)
	}
	if !bytes.Equal(got, batchExample) {
		t.Fatalf("batch differs from BATCH.md example:\n got % x\nwant % x", got, batchExample)
	}
	recs, err := DecodeBatch(got)
	if err != nil || len(recs) != 1 {
		t.Fatalf("decode: %v %d", err, len(recs))
	}
	r := recs[0]
	if r.Time != 1795413280208000 || !r.HasTime || r.Line != 7 || string(r.SeverityText) != "ERROR" ||
		string(r.Message) != "disk full" || len(r.Fields) != 1 || r.Fields[0].Key != "host" || string(r.Fields[0].Value) != "db1" {
		t.Fatalf("decoded %+v", r)
	}
}

func TestBatchExactFit(t *testing.T) {
	b := NewBatch(make([]byte, len(batchExample)))
	if !b.Add(exampleRecord(t)) {
		t.Fatal("record should fit exactly")
	}
	if b.Add(exampleRecord(t)) {
		t.Fatal("second record cannot fit")
	}
	if b.Need() != len(batchExample)-BatchHeaderSize || b.Count() != 1 {
		t.Fatalf("need %d count %d", b.Need(), b.Count())
	}
	if !bytes.Equal(b.Bytes(), batchExample) {
		t.Fatal("rejected record changed the batch")
	}
	small := NewBatch(make([]byte, 40))
	if small.Add(exampleRecord(t)) || small.Count() != 0 || small.Need() != 69 {
		t.Fatalf("small: count %d need %d", small.Count(), small.Need())
	}
	small.needSpace()
	if got := small.buf[8]; got != 85 {
		t.Fatalf("need-space header byte_length %d, want 85", got)
	}
}

func TestBatchMalformedAndEmpty(t *testing.T) {
	b := NewBatch(make([]byte, 256))
	if !b.Add(&Record{Malformed: true, Message: []byte("unterminated quote"), Line: 3, Offset: 12,
		Fields: []Field{{Key: "raw", Value: []byte(`"abc`)}}}) {
		t.Fatal("add")
	}
	if !b.Add(&Record{Severity: SevWarn}) {
		t.Fatal("add empty")
	}
	recs, err := DecodeBatch(b.Bytes())
	if err != nil || len(recs) != 2 {
		t.Fatal(err)
	}
	if !recs[0].Malformed || recs[0].HasTime || recs[0].Offset != 12 || string(recs[0].Fields[0].Value) != `"abc` {
		t.Fatalf("%+v", recs[0])
	}
	if recs[1].Severity != SevWarn || len(recs[1].Message) != 0 || recs[1].Fields != nil {
		t.Fatalf("%+v", recs[1])
	}
	if _, err := DecodeBatch(NewBatch(make([]byte, 16)).Bytes()); err != nil {
		t.Fatal("empty batch:", err)
	}
}

// Reliability audit B16: a CSV row of 100,000 columns lost 34,462 fields
// silently. Over the 65,535 a record can hold, the record is malformed instead.
func TestBatchTooManyFieldsIsMalformed(t *testing.T) {
	fields := make([]Field, 70_000)
	for i := range fields {
		fields[i] = Field{Key: "c" + strconv.Itoa(i), Value: []byte("v")}
	}
	b := NewBatch(make([]byte, 4<<20))
	if !b.Add(&Record{Message: []byte("wide"), Line: 7, Offset: 3, Fields: fields}) {
		t.Fatal("add")
	}
	if !b.Add(&Record{Message: []byte("narrow"), Fields: fields[:maxFieldsPerRecord]}) {
		t.Fatal("add 65,535 fields")
	}
	recs, err := DecodeBatch(b.Bytes())
	if err != nil || len(recs) != 2 {
		t.Fatal(err)
	}
	want := "record has 70000 fields, more than the 65535 a record batch can hold"
	if r := recs[0]; !r.Malformed || string(r.Message) != want || r.Line != 7 || r.Offset != 3 || len(r.Fields) != 0 {
		t.Fatalf("got malformed=%v message=%q line=%d offset=%d fields=%d", r.Malformed, r.Message, r.Line, r.Offset, len(r.Fields))
	}
	if r := recs[1]; r.Malformed || len(r.Fields) != maxFieldsPerRecord {
		t.Fatalf("65,535 fields: malformed=%v fields=%d", r.Malformed, len(r.Fields))
	}
}

func TestBatchAddDoesNotAllocate(t *testing.T) {
	r := exampleRecord(t)
	buf := make([]byte, 1<<20)
	b := NewBatch(buf)
	n := testing.AllocsPerRun(1000, func() {
		if !b.Add(r) {
			b.reset(buf)
		}
	})
	if n != 0 {
		t.Fatalf("Batch.Add allocates %v times per record", n)
	}
}

func BenchmarkBatchAdd(bm *testing.B) {
	r := &Record{Time: 1, HasTime: true, SeverityText: []byte("INFO"), Message: bytes.Repeat([]byte("m"), 80),
		Fields: []Field{{"host", []byte("db1")}, {"pid", []byte("1234")}, {"user", []byte("alice")}}}
	buf := make([]byte, 1<<20)
	b := NewBatch(buf)
	bm.ReportAllocs()
	for i := 0; i < bm.N; i++ {
		if !b.Add(r) {
			b.reset(buf)
		}
	}
}

func TestMatchDetectRules(t *testing.T) {
	rules := []string{"magic=efbbbf3c", `pattern=^[ \t\r\n]*<`}
	cases := []struct {
		head string
		want bool
	}{
		{"\xef\xbb\xbf<log>", true},   // magic, bytes as they are
		{"  \n<record>", true},        // pattern
		{"2026-11-23 INFO x\n", false}, // neither
		{"\xef\xbb\xbf x <", false},   // BOM then not '<' first
	}
	for _, c := range cases {
		got, err := MatchDetectRules(rules, []byte(c.head))
		if err != nil || got != c.want {
			t.Errorf("MatchDetectRules(%q) = %v, %v; want %v", c.head, got, err, c.want)
		}
	}
	// A byte above 0x7f is one Latin-1 character, not part of a UTF-8 sequence.
	if ok, _ := MatchDetectRules([]string{`pattern=^\xE9t\xE9$`}, []byte("\xe9t\xe9")); !ok {
		t.Error("pattern \\xE9 did not match the byte 0xE9")
	}
	if ok, _ := MatchDetectRules(nil, []byte("anything")); !ok {
		t.Error("no rules must match every head")
	}
	if _, err := MatchDetectRules([]string{"pattern=("}, nil); err == nil {
		t.Error("a bad pattern must be an error")
	}
	if ok, err := MatchDetectRules([]string{"none"}, []byte("anything")); ok || err != nil {
		t.Errorf("none must match no head: %v, %v", ok, err)
	}
	if _, err := MatchDetectRules([]string{"none", "magic=00"}, nil); err == nil {
		t.Error("none with other rules must be an error")
	}
	if _, err := MatchDetectRules([]string{"bytes=00"}, nil); err == nil {
		t.Error("an unknown rule kind must be an error")
	}
}
