// The logmill plugin __NAME__: one record per line, `TIMESTAMP LEVEL message`.
// Change Parse for your format; `make test` checks it on sample.log.
package main

import (
	"bytes"
	"time"

	"github.com/logmill/logmill/contract/go/logmill"
)

type processor struct {
	line uint64         // lines consumed so far, across Parse calls
	zone *time.Location // for stamps without a zone (logmill's --tz)
}

func (p *processor) Name() string { return "__NAME__" }

// Extensions: files named *.__NAME__ come to this plugin. (To be chosen by
// content too, implement Detect(head []byte) int; see contract/logmill.h.)
func (p *processor) Extensions() []string { return []string{"__NAME__"} }

func (p *processor) SetZone(loc *time.Location) { p.zone = loc }

func (p *processor) About() map[string]string {
	return map[string]string{"version": "0.1.0", "description": "__NAME__ logs: TIMESTAMP LEVEL message"}
}

// Parse adds a record per complete line and returns the bytes consumed. A
// line without its newline is complete only at eof; otherwise logmill calls
// again with it first and more appended.
func (p *processor) Parse(input []byte, eof bool, out *logmill.Batch) (int, error) {
	consumed := 0
	for consumed < len(input) {
		n := bytes.IndexByte(input[consumed:], '\n')
		next := consumed + n + 1
		if n < 0 {
			if !eof {
				break
			}
			n, next = len(input)-consumed, len(input)
		}
		line := bytes.TrimSuffix(input[consumed:consumed+n], []byte("\r"))
		if len(bytes.TrimSpace(line)) > 0 {
			rec := p.record(line)
			rec.Line = p.line + 1
			rec.Offset = consumed // relative to this call's input
			if !out.Add(&rec) {
				break // the batch is full: logmill calls again with the rest
			}
		}
		p.line++
		consumed = next
	}
	return consumed, nil
}

// record reads one line: a timestamp (one token, or a date and a clock), a level, the message.
func (p *processor) record(line []byte) logmill.Record {
	words := bytes.SplitN(line, []byte(" "), 4)
	for n := 2; n >= 1; n-- {
		if len(words) <= n {
			continue
		}
		stamp := line[:len(bytes.Join(words[:n], []byte(" ")))]
		if us, ok := logmill.ParseTime(stamp, p.zone); ok {
			rest := bytes.SplitN(bytes.TrimLeft(line[len(stamp):], " "), []byte(" "), 2)
			rec := logmill.Record{Time: us, HasTime: true, SeverityText: rest[0]} // logmill maps the level (SEVERITY.md)
			if len(rest) > 1 {
				rec.Message = rest[1]
			}
			return rec
		}
	}
	return logmill.Record{Malformed: true, Message: []byte("no timestamp at the start of the line"),
		Fields: []logmill.Field{{Key: "raw", Value: line}}}
}

func newProcessor() logmill.Processor { return &processor{} }

func init() { logmill.Register(newProcessor) }

func main() {}
