package logmill

import "strings"

// The severity words of contract/SEVERITY.md, the table logmill applies to a
// record whose severity byte is 0 (checked against SEVERITY.md by
// severity_test.go, and against the host's contract/severity.ts by the
// TypeScript tests).
var severityWords = map[string]Severity{}

func init() {
	for sev, list := range map[Severity]string{
		SevTrace:  "trace finest finer verbose v trac blat",
		SevDebug:  "debug dbg debg fine config debug1 debug2 debug3 debug4 debug5 d",
		SevInfo:   "info information informational i log detail statement hint context query note",
		SevNotice: "notice n",
		SevWarn:   "warn warning w",
		SevError:  "error err erro severe e",
		SevFatal:  "fatal panic emerg emergency alert critical crit f a",
	} {
		for _, w := range strings.Fields(list) {
			severityWords[w] = sev
		}
	}
}

var (
	syslogSeverity = [8]Severity{SevFatal, SevFatal, SevFatal, SevError, SevWarn, SevNotice, SevInfo, SevDebug}
	bunyanSeverity = map[int]Severity{10: SevTrace, 20: SevDebug, 30: SevInfo, 40: SevWarn, 50: SevError, 60: SevFatal}
)

// SeverityOf maps severity text (`SEVERE`, `warn`, `[E]`, `<3>`, `30`) to the
// normalized scale exactly as logmill does for a record whose Severity is
// SevUnknown (contract/SEVERITY.md). A plugin needs it only to decide by
// severity itself; to report it, leave Severity 0 and set SeverityText.
func SeverityOf(text []byte) Severity {
	raw := strings.TrimSpace(string(text))
	t := strings.ToLower(raw)
	t = strings.TrimSuffix(t, ":")
	if len(t) >= 2 && ((t[0] == '[' && t[len(t)-1] == ']') || (t[0] == '<' && t[len(t)-1] == '>')) {
		t = strings.TrimSpace(t[1 : len(t)-1])
	}
	if sev, ok := severityWords[t]; ok {
		return sev
	}
	if len(t) >= 1 && len(t) <= 3 && strings.Trim(t, "0123456789") == "" {
		n := 0
		for _, c := range t {
			n = n*10 + int(c-'0')
		}
		if n <= 7 {
			return syslogSeverity[n]
		}
		if sev, ok := bunyanSeverity[n]; ok {
			return sev
		}
		// A syslog PRI value written as <N>: facility * 8 + severity.
		if strings.HasPrefix(raw, "<") && n < 192 {
			return syslogSeverity[n%8]
		}
	}
	return SevUnknown
}
