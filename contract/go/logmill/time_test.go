package logmill

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

type tsCase struct {
	Text   string  `json:"text"`
	TZ     string  `json:"tz"`
	Ref    string  `json:"ref"`
	Epoch  bool    `json:"epoch"`
	Expect *string `json:"expect"`
}

// fixedRef is the reference instant for cases that give none.
var fixedRef = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func TestTimestampVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "timestamps.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []tsCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range doc.Cases {
		loc := time.UTC
		if c.TZ != "" {
			if loc, err = parseZoneOption(c.TZ); err != nil {
				t.Errorf("%q: tz %q: %v", c.Text, c.TZ, err)
				continue
			}
		}
		ref := fixedRef
		if c.Ref != "" {
			if ref, err = time.Parse(time.RFC3339Nano, c.Ref); err != nil {
				t.Fatal(err)
			}
		}
		var us int64
		var ok bool
		if c.Epoch {
			us, ok = ParseTimeField([]byte(c.Text), loc)
		} else {
			us, ok = ParseTimeRef([]byte(c.Text), loc, ref)
		}
		if c.Expect == nil {
			if ok {
				t.Errorf("%q (tz %q): got %s, want no timestamp", c.Text, c.TZ, fmtUS(us))
			}
			continue
		}
		if !ok {
			t.Errorf("%q (tz %q): no timestamp, want %s", c.Text, c.TZ, *c.Expect)
			continue
		}
		if got := fmtUS(us); got != *c.Expect {
			t.Errorf("%q (tz %q): got %s, want %s", c.Text, c.TZ, got, *c.Expect)
		}
	}
}

func fmtUS(us int64) string {
	return time.UnixMicro(us).UTC().Format("2006-01-02T15:04:05.000000Z")
}

func TestParseEpoch(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1795413280", 1795413280000000, true},
		{"1795413280.5", 1795413280500000, true},
		{"1795413280208.5", 1795413280208500, true},
		{"99999999999999999999", 0, false},
		{"12a", 0, false},
		{"1.", 0, false},
		{"", 0, false},
		{"-5", 0, false},
	} {
		got, ok := ParseEpoch([]byte(c.in))
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseEpoch(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if _, ok := ParseTime([]byte("1795413280"), nil); ok {
		t.Error("ParseTime must not take bare numbers")
	}
}

func TestParseTimeMore(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ref := time.Date(2027, 1, 1, 0, 10, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		loc  *time.Location
		want string // "" = invalid
	}{
		{"2026-11-23T05:54Z", nil, "2026-11-23T05:54:00.000000Z"},
		{"2026-02-29 00:00:00", nil, ""},
		{"2024-02-29 00:00:00", nil, "2024-02-29T00:00:00.000000Z"},
		{"2026-11-23 05:54:40 +05:30", nil, "2026-11-23T00:24:40.000000Z"},
		{"2026-11-23 05:54:40.208 PST", berlin, "2026-11-23T13:54:40.208000Z"},
		{"2026-11-23 05:54:40 garbage", nil, ""},
		{"2026-11-23 05:54:60", nil, ""},
		{"2026/11/23 05:54:40.5", nil, "2026-11-23T05:54:40.500000Z"},
		{"23/Nov/2026:05:54:40", berlin, "2026-11-23T04:54:40.000000Z"},
		{"23/Foo/2026:05:54:40 +0000", nil, ""},
		{"Jan  1 00:05:00", nil, "2027-01-01T00:05:00.000000Z"},
		{"Jan  2 00:05:00", nil, "2027-01-02T00:05:00.000000Z"},
		{"Jan  3 00:05:00", nil, "2026-01-03T00:05:00.000000Z"},
		{"Dec 31 23:59:59.250", nil, "2026-12-31T23:59:59.250000Z"},
		{"  2026-11-23T05:54:40Z  ", nil, "2026-11-23T05:54:40.000000Z"},
		{"Mon Nov 23 06:40:46.981714 2026", berlin, "2026-11-23T05:40:46.981714Z"},
		{"Mon Nov 3 06:40:46 2026", nil, "2026-11-03T06:40:46.000000Z"},
		{"Mon Nov 23 06:40:46.5 2026 garbage", nil, ""},
		{"Mon Nov 23 06:40:46 20261", nil, ""},
		{"Mon Nov 23 06:40 2026", nil, ""},
		{"Mon Foo 23 06:40:46 2026", nil, ""},
	} {
		us, ok := ParseTimeRef([]byte(c.in), c.loc, ref)
		if c.want == "" {
			if ok {
				t.Errorf("%q: got %s, want invalid", c.in, fmtUS(us))
			}
			continue
		}
		if !ok || fmtUS(us) != c.want {
			t.Errorf("%q: got %s %v, want %s", c.in, fmtUS(us), ok, c.want)
		}
	}
}

func TestParseZoneOption(t *testing.T) {
	for _, c := range []struct {
		in  string
		off int
		ok  bool
	}{{"UTC", 0, true}, {"+02:00", 7200, true}, {"-0530", -19800, true}, {"+02", 7200, true},
		{"UTC+1", 3600, true}, {"Asia/Tokyo", 9 * 3600, true}, {"Mars/Olympus", 0, false}, {"+25:00", 0, false}} {
		loc, err := parseZoneOption(c.in)
		if (err == nil) != c.ok {
			t.Errorf("%q: err %v", c.in, err)
			continue
		}
		if c.ok {
			if _, off := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Zone(); off != c.off {
				t.Errorf("%q: offset %d want %d", c.in, off, c.off)
			}
		}
	}
}

func TestParseTimeDoesNotAllocate(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	inputs := [][]byte{
		[]byte("2026-11-23T05:54:40.208205Z"), []byte("2026-11-23 05:54:20.208 UTC"),
		[]byte("2026-11-23 05:54:40"), []byte("[23/Nov/2026:05:54:40 +0000]"), []byte("Nov 23 05:54:40"),
		[]byte("[Mon Nov 23 06:40:46.981714 2026]"), []byte("Sun Nov  3 06:40:45 2026"),
		[]byte("1795413280208"), []byte("not a time"),
	}
	for _, loc := range []*time.Location{nil, berlin} {
		n := testing.AllocsPerRun(200, func() {
			for _, in := range inputs {
				ParseTimeField(in, loc)
			}
		})
		if n != 0 {
			t.Errorf("ParseTimeField allocates %v times (loc %v)", n, loc)
		}
	}
}

func BenchmarkParseTimePostgres(b *testing.B) {
	in := []byte("2026-11-23 05:54:20.208 UTC")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ParseTime(in, nil)
	}
}

func BenchmarkParseTimeCtime(b *testing.B) {
	in := []byte("[Mon Nov 23 06:40:46.981714 2026]")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ParseTime(in, nil)
	}
}

func BenchmarkParseTimeZoned(b *testing.B) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	in := []byte("2026-11-23 05:54:20.208")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ParseTime(in, berlin)
	}
}
