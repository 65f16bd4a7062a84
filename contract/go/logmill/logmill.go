// Package logmill is the Go SDK for logmill processor plugins.
//
// A plugin is a `package main` built with `go build -buildmode=c-shared`. It
// registers a factory in init():
//
//	type csvProcessor struct{ ... }
//	func (p *csvProcessor) Name() string { return "csv" }
//	func (p *csvProcessor) Parse(input []byte, eof bool, out *logmill.Batch) (int, error) { ... }
//	func NewProcessor() logmill.Processor { return &csvProcessor{} }
//	func init() { logmill.Register(NewProcessor) }
//	func main() {}
//
// The SDK provides every C export of contract/logmill.h (LogmillAbiVersion,
// NewProcessor, ProcessorName, ProcessorParse, ...), encodes the record batch
// of contract/BATCH.md (Batch.Add) and parses timestamps as contract/TIMESTAMPS.md
// describes (ParseTime and friends).
package logmill

import (
	"sync"
	"time"
	_ "time/tzdata" // IANA zones for the `tz` option, even in slim containers
)

// Severity is the normalized severity of a record (contract/BATCH.md).
type Severity uint8

const (
	SevUnknown Severity = iota // 0: the host normalizes SeverityText with contract/SEVERITY.md
	SevTrace
	SevDebug
	SevInfo
	SevNotice
	SevWarn
	SevError
	SevFatal
)

// Processor parses one input stream. One value is created per stream by the
// registered factory and is only ever used by one thread at a time.
type Processor interface {
	// Name is the format name, matching [a-z0-9_-]{1,32}.
	Name() string
	// Parse has the contract of ProcessorParse in contract/logmill.h: it
	// appends the complete records found in input to out and returns the
	// number of bytes consumed. A non-nil error is LOGMILL_PARSE_ERROR, with
	// err.Error() as ProcessorLastError.
	Parse(input []byte, eof bool, out *Batch) (consumed int, err error)
}

// Extensioner is implemented by processors that claim file extensions
// (lower case, without dots); exported as ProcessorExtensions "csv,tsv".
type Extensioner interface{ Extensions() []string }

// Detector is implemented by processors that can sniff a file head; exported
// as ProcessorDetect, 0..100.
type Detector interface{ Detect(head []byte) int }

// DetectRuler is implemented by processors that state their detection as
// data (exported as ProcessorDetectRules, one rule a line): "magic=HEX" or
// "pattern=REGEX" (see contract/logmill.h). A head that matches none of the
// rules scores 0 without Detect running, so logmill routes without starting
// a worker for the plugin: declare rules that every head Detect scores 50 or
// more matches. Check that with MatchDetectRules in the plugin's tests.
type DetectRuler interface{ DetectRules() []string }

// Resyncer is implemented by processors whose format lets logmill split one
// large file into byte ranges parsed in parallel (ProcessorResync in
// contract/logmill.h). Resync returns the index (>= 1) in data of the first
// byte of the first record that starts after data[0], or -1 if none starts
// within data; data begins at an arbitrary byte of the stream. It is called
// on a handle used only for Detect and Resync and must not change parse
// state. Implementing it is not enough: the plugin also imports
// github.com/logmill/logmill/contract/go/logmill/resync (a blank import),
// which exports ProcessorResync, so that a plugin never offers splitting by
// accident. A panic is recovered: Resync then returns -1 (no boundary, so
// the range is read by the range before it) and the panic is kept as
// ProcessorLastError.
type Resyncer interface{ Resync(data []byte) int }

// FieldKinder is implemented by processors whose fields are not all text;
// exported as ProcessorFieldKinds "status=integer\n...". Kinds: "integer",
// "float", "boolean", "string". logmill then writes those values typed in
// `parse` and `sql` (a value that does not read as its kind stays text).
type FieldKinder interface{ FieldKinds() map[string]string }

// Configurer receives user options (ProcessorConfigure). It never sees "tz":
// the SDK handles that one (see ZoneSetter).
type Configurer interface{ Configure(key, value string) error }

// ZoneSetter receives the zone for timestamps without one (option "tz",
// parsed by the SDK: an IANA name, "UTC", "local" or an offset "+02:00").
type ZoneSetter interface{ SetZone(loc *time.Location) }

// Abouter returns metadata (version, description, ...); exported as
// ProcessorAbout "key=value\n...". The SDK adds language=go.
type Abouter interface{ About() map[string]string }

// Field is one key/value pair of a record.
type Field struct {
	Key   string
	Value []byte
}

// Record is one log record, as Batch.Add encodes it (contract/BATCH.md).
type Record struct {
	Time         int64 // microseconds since the Unix epoch, UTC
	HasTime      bool
	Severity     Severity
	SeverityText []byte
	Message      []byte
	Line         uint64 // 1-based line of the record's first byte in the stream; 0 = none
	Offset       int    // byte offset of the record's first byte within `input` of this Parse call
	Malformed    bool   // Message = the reason; put the raw text in a field "raw"
	Fields       []Field
}

var (
	registryMu sync.Mutex
	factory    func() Processor
)

// Register installs the factory that NewProcessor calls. Call it from the
// plugin's init(). A later call replaces an earlier one.
func Register(f func() Processor) {
	registryMu.Lock()
	factory = f
	registryMu.Unlock()
}

func registered() func() Processor {
	registryMu.Lock()
	defer registryMu.Unlock()
	return factory
}
