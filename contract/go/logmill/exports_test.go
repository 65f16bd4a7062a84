package logmill

import (
	"strings"
	"testing"
	"unsafe"
)

type lineProc struct{ panics bool }

func (lineProc) Name() string                                       { return "lines" }
func (lineProc) Parse(in []byte, eof bool, out *Batch) (int, error) { return len(in), nil }

type splitProc struct{ lineProc }

func (s splitProc) Resync(data []byte) int {
	if s.panics {
		var m map[string]int
		m["boom"]++ // panics: assignment to entry in nil map
	}
	for i := 0; i+1 < len(data); i++ {
		if data[i] == '\n' {
			return i + 1
		}
	}
	return -1
}

// exported is what the optional exports answer for one handle.
type exported struct {
	resync  int64  // ProcessorResync's body (ResyncHandle) on the data given
	lastErr string // ProcessorLastError after it
	rules   string // ProcessorDetectRules
	kinds   string // ProcessorFieldKinds
}

// exportsOf makes a handle from factory f, as logmill does through
// NewProcessor, and asks its optional exports.
func exportsOf(t *testing.T, f func() Processor, data string) exported {
	t.Helper()
	Register(f)
	defer Register(nil)
	p := NewProcessor()
	if p == nil {
		t.Fatal("NewProcessor returned NULL")
	}
	defer ProcessorFree(p)
	b := []byte(data + "\x00")
	var e exported
	e.resync = ResyncHandle(unsafe.Pointer(p), unsafe.Pointer(&b[0]), int64(len(data)))
	e.lastErr = cString(unsafe.Pointer(ProcessorLastError(p)))
	e.rules = cString(unsafe.Pointer(ProcessorDetectRules(p)))
	e.kinds = cString(unsafe.Pointer(ProcessorFieldKinds(p)))
	return e
}

// resyncWith is ProcessorResync on data, and the last error after it.
func resyncWith(t *testing.T, f func() Processor, data string) (int64, string) {
	t.Helper()
	e := exportsOf(t, f, data)
	return e.resync, e.lastErr
}

// cString reads a NUL-terminated string (C.GoString is not allowed in tests).
func cString(p unsafe.Pointer) string {
	var b []byte
	for i := 0; p != nil; i++ {
		c := *(*byte)(unsafe.Add(p, i))
		if c == 0 {
			break
		}
		b = append(b, c)
	}
	return string(b)
}

func TestResyncHandle(t *testing.T) {
	if got, _ := resyncWith(t, func() Processor { return splitProc{} }, "ab\ncd\n"); got != 3 {
		t.Errorf("Resync through the handle = %d, want 3", got)
	}
	if got, _ := resyncWith(t, func() Processor { return splitProc{} }, "abcd"); got != -1 {
		t.Errorf("no boundary = %d, want -1", got)
	}
	// A processor without Resync (the plugin imported package resync by mistake): no boundary.
	if got, _ := resyncWith(t, func() Processor { return lineProc{} }, "ab\ncd\n"); got != -1 {
		t.Errorf("without Resyncer = %d, want -1", got)
	}
	// A panic is contained: -1, and the panic kept as the last error.
	got, msg := resyncWith(t, func() Processor { return splitProc{lineProc{panics: true}} }, "ab\ncd\n")
	if got != -1 || !strings.Contains(msg, "panic in Resync: assignment to entry in nil map") {
		t.Errorf("panicking Resync = %d, %q; want -1 and the panic", got, msg)
	}
}

type detectProc struct{ lineProc }

func (detectProc) Detect(head []byte) int { return 60 }

type rulesProc struct{ detectProc }

func (rulesProc) DetectRules() []string { return []string{"pattern=^x"} }

// detectRulesOf is ProcessorDetectRules of a handle made from f.
func detectRulesOf(t *testing.T, f func() Processor) string {
	t.Helper()
	return exportsOf(t, f, "").rules
}

func TestProcessorDetectRules(t *testing.T) {
	// Without Detect, ProcessorDetect (always exported) scores 0: the rules say so.
	if got := detectRulesOf(t, func() Processor { return lineProc{} }); got != "none" {
		t.Errorf("without Detect: %q, want none", got)
	}
	if got := detectRulesOf(t, func() Processor { return detectProc{} }); got != "" {
		t.Errorf("Detect without rules: %q, want every head asked", got)
	}
	if got := detectRulesOf(t, func() Processor { return rulesProc{} }); got != "pattern=^x" {
		t.Errorf("Detect with rules: %q", got)
	}
}

type kindsProc struct{ lineProc }

func (kindsProc) FieldKinds() map[string]string {
	return map[string]string{"status": "integer", "bytes": "integer", "ok": "boolean"}
}

func TestProcessorFieldKinds(t *testing.T) {
	if got := exportsOf(t, func() Processor { return kindsProc{} }, "").kinds; got != "bytes=integer\nok=boolean\nstatus=integer" {
		t.Errorf("ProcessorFieldKinds = %q", got)
	}
	if got := exportsOf(t, func() Processor { return lineProc{} }, "").kinds; got != "" {
		t.Errorf("without FieldKinds: %q, want every field text", got)
	}
}
