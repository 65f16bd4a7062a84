package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/logmill/logmill/contract/go/logmill"
)

// tricky holds what a resync must not take for a record start: <record> in
// a CDATA section (a whole fake record, and one cut short), in a comment,
// in a processing instruction, escaped in text, nested children and frames,
// and a second document appended to the same file.
const tricky = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE log SYSTEM "logger.dtd">
<log>
<record>
  <date>2026-11-23T05:54:40.208205Z</date>
  <millis>1795413280208</millis>
  <level>SEVERE</level>
  <message><![CDATA[payload:
<record>
  <date>2026-11-23T05:54:40Z</date>
  <level>INFO</level>
  <message>fake</message>
</record>
<record>
  <message>fake too</message>
</record>
]]></message>
  <exception>
    <message>java.io.IOException: boom</message>
    <frame>
      <class>demo.Main</class>
      <method>work</method>
    </frame>
    <frame>
      <class>demo.Main</class>
      <method>main</method>
    </frame>
  </exception>
</record>
<!-- a comment between records:
<record>
  <message>commented out</message>
</record>
-->
<record>
  <date>2026-11-23T05:54:41.5Z</date>
  <level>INFO</level>
  <message>escaped &lt;record&gt; text &lt;/record&gt; and <![CDATA[<record>]]> cut short</message>
</record>
<?pi <record><message>in a processing instruction</message></record> ?>
<record>
  <date>2026-11-23T05:54:42Z</date>
  <level>WARNING</level>
  <message>third</message>
</record>
</log>
<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE log SYSTEM "logger.dtd">
<log>
<record>
  <date>2026-11-23T06:00:00Z</date>
  <level>INFO</level>
  <message>second run</message>
</record>
<record>
  <date>2026-11-23T06:00:01Z</date>
  <level>INFO</level>
  <message>second run, again</message>
</record>
`

// parseRange parses data as a range of a split file: a fresh processor
// first parses prime (eof=0, records dropped), then data; offsets are
// counted from data[0], lines fixed up as logmill does (app/pipeline.ts).
func parseRange(t *testing.T, prime, data []byte, linesBefore uint64) []rec {
	t.Helper()
	x := NewProcessor().(*xmlProcessor)
	x.SetZone(time.UTC)
	out := make([]byte, 4<<20)
	primed, err := x.Parse(prime, false, logmill.NewBatch(out))
	if err != nil || primed == 0 {
		t.Fatalf("priming: consumed %d, %v", primed, err)
	}
	primedLines := uint64(strings.Count(string(prime[:primed]), "\n"))
	var recs []rec
	for pos := 0; pos < len(data); {
		b := logmill.NewBatch(out)
		n, err := x.Parse(data[pos:], true, b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := logmill.DecodeBatch(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range got {
			var fs []string
			for _, f := range r.Fields {
				fs = append(fs, f.Key+"="+string(f.Value))
			}
			recs = append(recs, rec{r.Time, r.HasTime, string(r.SeverityText), string(r.Message),
				r.Line - primedLines + linesBefore, pos + r.Offset, r.Malformed, strings.Join(fs, "|")})
		}
		if n == 0 {
			t.Fatalf("no progress at %d", pos)
		}
		pos += n
	}
	return recs
}

// checkEverySplit tries every byte of sample as a range start, as
// `logmill plugins check --sample` does: the boundary resyncXML names must
// be where a range's processor (primed with prime) parses exactly the
// records a whole-file parse has from there on. It returns the boundaries.
func checkEverySplit(t *testing.T, sample string, primeLen int) map[int]bool {
	t.Helper()
	data := []byte(sample)
	want := run(t, sample, 0, 1<<20)
	prime := data
	if primeLen > 0 {
		prime = data[:primeLen]
	}
	found := map[int]bool{}
	checked := map[int]bool{}
	for s := 1; s < len(data); s++ {
		j := resyncXML(data[s-1:])
		if j == -1 {
			continue
		}
		if j < 1 || s-1+j >= len(data) {
			t.Fatalf("split at %d: resync returned %d for %d bytes", s, j, len(data)-s+1)
		}
		b := s - 1 + j
		found[b] = true
		// The first record start at or after s, by the whole-file parse.
		first := -1
		for _, r := range want {
			if r.Off >= s {
				first = r.Off
				break
			}
		}
		if b != first {
			t.Fatalf("split at %d: resync named byte %d (%q), the first record at or after it is at %d", s, b, head(data[b:]), first)
		}
		if checked[b] {
			continue
		}
		checked[b] = true
		got := parseRange(t, prime, data[b:], uint64(strings.Count(sample[:b], "\n")))
		var from []rec
		for _, r := range want {
			if r.Off >= b {
				r.Off -= b
				from = append(from, r)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(from) {
			t.Fatalf("split at byte %d (%q):\n got %+v\nwant %+v", b, head(data[b:]), got, from)
		}
	}
	return found
}

func head(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return string(b)
}

func TestResyncEverySplit(t *testing.T) {
	for _, c := range []struct {
		name   string
		sample string
	}{
		{"tricky", tricky},
		{"tricky, root not closed, last record cut short", tricky[:len(tricky)-40]},
		{"jul", julSample},
		{"log4j fragments", log4jSample + log4jSample + log4jSample},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Primed with the whole sample (plugins check --sample) and with the
			// first record only (a large file's range, primed with its start).
			found := checkEverySplit(t, c.sample, 0)
			first := strings.Index(c.sample, "</record>") + len("</record>")
			if strings.Contains(c.sample, "</log4j:event>") {
				first = strings.Index(c.sample, "</log4j:event>") + len("</log4j:event>")
			}
			checkEverySplit(t, c.sample, first)
			if len(found) < 2 {
				t.Fatalf("only %d boundaries found", len(found))
			}
		})
	}
}

// The records of tricky that a split may start at, and none else.
func TestResyncBoundaries(t *testing.T) {
	var got []string
	for b := range checkEverySplit(t, tricky, 0) {
		got = append(got, fmt.Sprintf("%d:%s", b, strings.SplitN(tricky[b:], "\n", 2)[0]))
	}
	var want []string
	for i := 1; ; {
		k := strings.Index(tricky[i:], "\n<record>")
		if k < 0 {
			break
		}
		b := i + k + 1
		// A record start at the start of a line, except the fake ones in the CDATA section and the comment.
		inside := strings.Count(tricky[:b], "<![CDATA[payload") > strings.Count(tricky[:b], "]]></message>") ||
			strings.Count(tricky[:b], "<!--") > strings.Count(tricky[:b], "-->")
		if !inside {
			want = append(want, fmt.Sprintf("%d:<record>", b))
		}
		i = b
	}
	if len(got) != len(want) {
		t.Fatalf("boundaries\n got %v\nwant %v", got, want)
	}
}

func TestResyncNoneInsideOneRecord(t *testing.T) {
	// Bytes from inside a record's CDATA section up to the end of that record: no record starts there.
	rec := tricky[strings.Index(tricky, "payload"):strings.Index(tricky, "<!-- a comment")]
	if j := resyncXML([]byte(rec)); j != -1 {
		t.Fatalf("resync named %d: %q", j, head([]byte(rec[j:])))
	}
}

// BenchmarkResync: one range start's resync on a 4 MiB window from the
// middle of a real file, as logmill's findBoundary calls it.
//
//	LOGMILL_BENCH_XML=/work/main/bench/data/bench-xml-20000000-s1.xml go test -run '^$' -bench BenchmarkResync
func BenchmarkResync(b *testing.B) {
	file := os.Getenv("LOGMILL_BENCH_XML")
	if file == "" {
		b.Skip("set LOGMILL_BENCH_XML to an XML log file")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	mid := len(data) / 2
	window := data[mid : mid+4<<20]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if resyncXML(window) < 0 {
			b.Fatal("no boundary")
		}
	}
}

// A range start inside a record holding a long run of small children: each
// '<' of the run is a candidate whose walk goes to the run's end, so without
// skipping what a rejected walk covered, a resync is quadratic (minutes for
// 100 000 children). It must walk each tag a bounded number of times.
func TestResyncLinearInLongRuns(t *testing.T) {
	const children = 100000
	var sb strings.Builder
	sb.WriteString("<log>\n<record><data>")
	for i := 0; i < children; i++ {
		sb.WriteString("<v>1</v>")
	}
	sb.WriteString("</data></record>\n<record><message>x</message></record>\n</log>\n")
	data := []byte(sb.String())
	var w walker
	j := w.resync(data[30:])
	if want := strings.Index(sb.String(), "<record><message>") - 30; j != want {
		t.Fatalf("resync named %d, want %d", j, want)
	}
	if w.tags > 3*children {
		t.Fatalf("walked %d start tags for %d children", w.tags, children)
	}
}
