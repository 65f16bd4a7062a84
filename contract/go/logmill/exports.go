package logmill

/*
#include <stdint.h>
#include <stdlib.h>

// The handle logmill sees (logmill_processor *): C memory holding the
// cgo.Handle of the Go state, so no Go pointer ever crosses to C.
struct logmill_processor { uintptr_t h; };
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime/cgo"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// handle is the Go state behind one logmill_processor.
type handle struct {
	proc    Processor
	batch   Batch
	name    *C.char
	ext     *C.char
	about   *C.char
	rules   *C.char
	kinds   *C.char
	lastErr *C.char
}

var (
	emptyCString = C.CString("")

	factoryErrMu sync.Mutex
	factoryErr   *C.char // ProcessorLastError(NULL)
)

func setFactoryErr(msg string) {
	factoryErrMu.Lock()
	if factoryErr != nil {
		C.free(unsafe.Pointer(factoryErr))
	}
	factoryErr = C.CString(msg)
	factoryErrMu.Unlock()
}

func lookup(p *C.struct_logmill_processor) *handle {
	if p == nil || p.h == 0 {
		return nil
	}
	h, _ := cgo.Handle(p.h).Value().(*handle)
	return h
}

func (h *handle) setErr(msg string) {
	if h.lastErr != nil {
		C.free(unsafe.Pointer(h.lastErr))
	}
	h.lastErr = C.CString(msg)
}

func cstr(cache **C.char, s string) *C.char {
	if *cache == nil {
		*cache = C.CString(s)
	}
	return *cache
}

//export LogmillAbiVersion
func LogmillAbiVersion() C.int32_t { return C.int32_t(AbiVersion) }

//export NewProcessor
func NewProcessor() (ret *C.struct_logmill_processor) {
	defer func() {
		if r := recover(); r != nil {
			setFactoryErr(fmt.Sprint("panic: ", r))
			ret = nil
		}
	}()
	f := registered()
	if f == nil {
		setFactoryErr("no processor registered (call logmill.Register from init)")
		return nil
	}
	proc := f()
	if proc == nil {
		setFactoryErr("the processor factory returned nil")
		return nil
	}
	p := (*C.struct_logmill_processor)(C.malloc(C.size_t(unsafe.Sizeof(C.struct_logmill_processor{}))))
	if p == nil {
		setFactoryErr("out of memory")
		return nil
	}
	p.h = C.uintptr_t(cgo.NewHandle(&handle{proc: proc}))
	return p
}

//export ProcessorName
func ProcessorName(p *C.struct_logmill_processor) (ret *C.char) {
	h := lookup(p)
	if h == nil {
		return emptyCString
	}
	defer func() {
		if r := recover(); r != nil {
			h.setErr(fmt.Sprint("panic: ", r))
			ret = emptyCString
		}
	}()
	return cstr(&h.name, h.proc.Name())
}

//export ProcessorParse
func ProcessorParse(p *C.struct_logmill_processor, input *C.uint8_t, inputLen C.int64_t,
	eof C.int32_t, out *C.uint8_t, outCap C.int64_t) (ret C.int64_t) {
	h := lookup(p)
	if h == nil {
		return C.int64_t(parseError)
	}
	defer func() {
		if r := recover(); r != nil {
			h.setErr(fmt.Sprint("panic: ", r))
			ret = C.int64_t(parseError)
		}
	}()
	var in, ob []byte
	if inputLen > 0 && input != nil {
		in = unsafe.Slice((*byte)(unsafe.Pointer(input)), int(inputLen))
	}
	if outCap > 0 && out != nil {
		ob = unsafe.Slice((*byte)(unsafe.Pointer(out)), int(outCap))
	}
	b := &h.batch
	b.reset(ob)
	defer func() { b.buf = nil }() // never keep logmill's buffer past the call
	consumed, err := h.proc.Parse(in, eof != 0, b)
	if err != nil {
		h.setErr(err.Error())
		return C.int64_t(parseError)
	}
	if consumed < 0 || consumed > len(in) {
		h.setErr(fmt.Sprintf("%s: Parse returned %d consumed bytes of %d", h.proc.Name(), consumed, len(in)))
		return C.int64_t(parseError)
	}
	if b.count == 0 && b.need > 0 && consumed == 0 {
		// Not a single record fit: ask logmill for more room. (When bytes were
		// consumed, e.g. a skipped header, return those first with an empty
		// batch; the next call then starts with the big record.)
		b.needSpace()
		return C.int64_t(parseNeedSpace)
	}
	b.finish()
	return C.int64_t(consumed)
}

//export ProcessorLastError
func ProcessorLastError(p *C.struct_logmill_processor) *C.char {
	if p == nil {
		factoryErrMu.Lock()
		defer factoryErrMu.Unlock()
		if factoryErr == nil {
			return emptyCString
		}
		return factoryErr
	}
	h := lookup(p)
	if h == nil || h.lastErr == nil {
		return emptyCString
	}
	return h.lastErr
}

//export ProcessorFree
func ProcessorFree(p *C.struct_logmill_processor) {
	if p == nil {
		return
	}
	if p.h != 0 {
		ch := cgo.Handle(p.h)
		if h, _ := ch.Value().(*handle); h != nil {
			for _, s := range []*C.char{h.name, h.ext, h.about, h.rules, h.kinds, h.lastErr} {
				if s != nil {
					C.free(unsafe.Pointer(s))
				}
			}
			func() {
				defer func() { recover() }()
				// optional: a processor with Close() is told its stream is done
				if c, ok := h.proc.(interface{ Close() }); ok {
					c.Close()
				}
			}()
		}
		ch.Delete()
		p.h = 0
	}
	C.free(unsafe.Pointer(p))
}

//export ProcessorExtensions
func ProcessorExtensions(p *C.struct_logmill_processor) (ret *C.char) {
	h := lookup(p)
	if h == nil {
		return emptyCString
	}
	defer func() {
		if r := recover(); r != nil {
			ret = emptyCString
		}
	}()
	if h.ext != nil {
		return h.ext
	}
	e, ok := h.proc.(Extensioner)
	if !ok {
		return emptyCString
	}
	list := e.Extensions()
	clean := make([]string, 0, len(list))
	for _, x := range list {
		x = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(x), "."))
		if x != "" {
			clean = append(clean, x)
		}
	}
	return cstr(&h.ext, strings.Join(clean, ","))
}

//export ProcessorDetect
func ProcessorDetect(p *C.struct_logmill_processor, head *C.uint8_t, headLen C.int64_t) (ret C.int32_t) {
	h := lookup(p)
	if h == nil {
		return 0
	}
	defer func() {
		if r := recover(); r != nil {
			ret = 0
		}
	}()
	d, ok := h.proc.(Detector)
	if !ok {
		return 0
	}
	var hb []byte
	if headLen > 0 && head != nil {
		hb = unsafe.Slice((*byte)(unsafe.Pointer(head)), int(headLen))
	}
	score := d.Detect(hb)
	if score < 0 {
		score = 0
	} else if score > 100 {
		score = 100
	}
	return C.int32_t(score)
}

//export ProcessorDetectRules
func ProcessorDetectRules(p *C.struct_logmill_processor) (ret *C.char) {
	h := lookup(p)
	if h == nil {
		return emptyCString
	}
	defer func() {
		if r := recover(); r != nil {
			ret = emptyCString
		}
	}()
	if h.rules != nil {
		return h.rules
	}
	if _, ok := h.proc.(Detector); !ok {
		// ProcessorDetect would score every head 0: say so, and logmill never starts a worker to ask.
		return cstr(&h.rules, NoDetectRule)
	}
	d, ok := h.proc.(DetectRuler)
	if !ok {
		return emptyCString
	}
	return cstr(&h.rules, strings.Join(d.DetectRules(), "\n"))
}

// ResyncHandle is ProcessorResync for package resync, which holds the
// export (see Resyncer); plugins do not call it.
func ResyncHandle(p unsafe.Pointer, data unsafe.Pointer, dataLen int64) (ret int64) {
	h := lookup((*C.struct_logmill_processor)(p))
	if h == nil || data == nil || dataLen <= 1 {
		return -1
	}
	defer func() {
		if r := recover(); r != nil {
			h.setErr(fmt.Sprint("panic in Resync: ", r))
			ret = -1
		}
	}()
	r, ok := h.proc.(Resyncer)
	if !ok {
		return -1
	}
	// Passed on as returned: logmill checks every boundary against the records.
	return int64(r.Resync(unsafe.Slice((*byte)(data), int(dataLen))))
}

//export ProcessorFieldKinds
func ProcessorFieldKinds(p *C.struct_logmill_processor) (ret *C.char) {
	h := lookup(p)
	if h == nil {
		return emptyCString
	}
	defer func() {
		if r := recover(); r != nil {
			ret = emptyCString
		}
	}()
	if h.kinds != nil {
		return h.kinds
	}
	k, ok := h.proc.(FieldKinder)
	if !ok {
		return emptyCString
	}
	kinds := k.FieldKinds()
	lines := make([]string, 0, len(kinds))
	for name, kind := range kinds {
		lines = append(lines, name+"="+kind)
	}
	sort.Strings(lines)
	return cstr(&h.kinds, strings.Join(lines, "\n"))
}

//export ProcessorAbout
func ProcessorAbout(p *C.struct_logmill_processor) (ret *C.char) {
	h := lookup(p)
	if h == nil {
		return emptyCString
	}
	defer func() {
		if r := recover(); r != nil {
			ret = emptyCString
		}
	}()
	if h.about != nil {
		return h.about
	}
	return cstr(&h.about, aboutText(h.proc))
}

func aboutText(proc Processor) string {
	m := map[string]string{}
	if a, ok := proc.(Abouter); ok {
		for k, v := range a.About() {
			m[k] = v
		}
	}
	if _, ok := m["language"]; !ok {
		m["language"] = "go"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	oneLine := strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")
	for i, k := range keys {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(strings.ReplaceAll(oneLine.Replace(strings.TrimSpace(k)), "=", "-"))
		sb.WriteByte('=')
		sb.WriteString(oneLine.Replace(m[k]))
	}
	return sb.String()
}

//export ProcessorConfigure
func ProcessorConfigure(p *C.struct_logmill_processor, key, value *C.char) (ret C.int32_t) {
	h := lookup(p)
	if h == nil {
		return 1
	}
	defer func() {
		if r := recover(); r != nil {
			h.setErr(fmt.Sprint("panic: ", r))
			ret = 1
		}
	}()
	if key == nil {
		h.setErr("option without a name")
		return 1
	}
	k := C.GoString(key)
	v := ""
	if value != nil {
		v = C.GoString(value)
	}
	if err := configure(h.proc, k, v); err != nil {
		h.setErr(err.Error())
		return 1
	}
	return 0
}

func configure(proc Processor, k, v string) error {
	if k == "tz" {
		loc, err := parseZoneOption(v)
		if err != nil {
			return err
		}
		if z, ok := proc.(ZoneSetter); ok {
			z.SetZone(loc)
		}
		return nil
	}
	if c, ok := proc.(Configurer); ok {
		return c.Configure(k, v)
	}
	return fmt.Errorf("unknown option %q (%s takes no options)", k, proc.Name())
}

// parseZoneOption reads the `tz` option: an IANA zone name, "UTC", "local",
// or a fixed offset like "+02:00", "+0200", "+02", "UTC+2".
func parseZoneOption(v string) (*time.Location, error) {
	s := strings.TrimSpace(v)
	switch strings.ToLower(s) {
	case "", "utc", "z", "gmt":
		return time.UTC, nil
	case "local":
		return time.Local, nil
	}
	off := s
	if u := strings.ToUpper(s); strings.HasPrefix(u, "UTC") || strings.HasPrefix(u, "GMT") {
		off = s[3:]
	}
	if off != "" && (off[0] == '+' || off[0] == '-') {
		sign := 1
		if off[0] == '-' {
			sign = -1
		}
		body := off[1:]
		var hs, ms string
		switch {
		case strings.Contains(body, ":"):
			hs, ms, _ = strings.Cut(body, ":")
		case len(body) == 4:
			hs, ms = body[:2], body[2:]
		default:
			hs, ms = body, "0"
		}
		hh, err1 := strconv.Atoi(hs)
		mm, err2 := strconv.Atoi(ms)
		if err1 != nil || err2 != nil || hs == "" || len(hs) > 2 || hh > 23 || mm < 0 || mm > 59 {
			return nil, fmt.Errorf("bad tz offset %q (want ±hh:mm)", v)
		}
		secs := sign * (hh*3600 + mm*60)
		if secs == 0 {
			return time.UTC, nil
		}
		return time.FixedZone(s, secs), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, errors.New("unknown tz " + strconv.Quote(v) + " (want an IANA zone name, UTC, local or ±hh:mm)")
	}
	return loc, nil
}
