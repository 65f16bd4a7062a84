package logmill

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var levelNames = []string{"unknown", "trace", "debug", "info", "notice", "warn", "error", "fatal"}

// The first table of contract/SEVERITY.md: normalized name -> its texts
// (`DEBUG1`…`DEBUG5` is a range).
func severityMD(t *testing.T) map[string]Severity {
	raw, err := os.ReadFile(filepath.Join("..", "..", "SEVERITY.md"))
	if err != nil {
		t.Fatal(err)
	}
	words := map[string]Severity{}
	// The words table only: the numbers table after it has the same row names.
	text := string(raw)
	if i := strings.Index(text, "\nNumbers:"); i > 0 {
		text = text[:i]
	}
	row := regexp.MustCompile("(?m)^\\| (\\w+) \\| (`[^|]*) \\|")
	tick := regexp.MustCompile("`([^`]+)`(…`([^`]+)`)?")
	for _, m := range row.FindAllStringSubmatch(text, -1) {
		sev := -1
		for i, n := range levelNames {
			if n == m[1] {
				sev = i
			}
		}
		if sev < 0 {
			continue
		}
		for _, w := range tick.FindAllStringSubmatch(m[2], -1) {
			words[strings.ToLower(w[1])] = Severity(sev)
			if w[3] != "" { // DEBUG1…DEBUG5
				prefix, from, to := w[1][:len(w[1])-1], w[1][len(w[1])-1], w[3][len(w[3])-1]
				for c := from; c <= to; c++ {
					words[strings.ToLower(prefix+string(c))] = Severity(sev)
				}
			}
		}
	}
	if len(words) < 30 {
		t.Fatalf("read only %d severity words from SEVERITY.md", len(words))
	}
	return words
}

func TestSeverityWordsAreSeverityMD(t *testing.T) {
	md := severityMD(t)
	for w, sev := range md {
		if got := SeverityOf([]byte(strings.ToUpper(w))); got != sev {
			t.Errorf("SeverityOf(%q) = %s, SEVERITY.md says %s", strings.ToUpper(w), levelNames[got], levelNames[sev])
		}
	}
	for w := range severityWords {
		if _, ok := md[w]; !ok {
			t.Errorf("the SDK knows %q, SEVERITY.md does not", w)
		}
	}
}

func TestSeverityOfShapes(t *testing.T) {
	for in, want := range map[string]Severity{
		"[warn]": SevWarn, "Warning:": SevWarn, " err ": SevError, "<11>": SevError, "<14>": SevInfo, "3": SevError,
		"30": SevInfo, "60": SevFatal, "99": SevUnknown, "": SevUnknown, "VERBOSE!": SevUnknown, "<2>": SevFatal,
	} {
		if got := SeverityOf([]byte(in)); got != want {
			t.Errorf("SeverityOf(%q) = %s, want %s", in, levelNames[got], levelNames[want])
		}
	}
}
