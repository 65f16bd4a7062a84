// Command xml is logmill's bundled XML processor plugin: one record per
// repeated element under the root (java.util.logging XMLFormatter, log4j2
// XmlLayout, ...) or per top-level element of root-less fragments (log4j 1.x
// XMLLayout). The scanner lives in scan.go; this file wires it to the SDK.
//
// Build: cd plugins && go build -buildmode=c-shared -trimpath -o xml.so ./xml
package main

import (
	"time"

	"github.com/logmill/logmill/contract/go/logmill"
)

type xmlProcessor struct {
	p    *xmlParser
	sink batchSink
}

func (x *xmlProcessor) Name() string { return "xml" }

func (x *xmlProcessor) Parse(input []byte, eof bool, out *logmill.Batch) (int, error) {
	x.sink.b = out
	n, err := x.p.parse(input, eof, &x.sink)
	x.sink.b = nil
	return n, err
}

func (x *xmlProcessor) Extensions() []string { return []string{"xml"} }

func (x *xmlProcessor) Detect(head []byte) int { return detectXML(head) }

func (x *xmlProcessor) SetZone(loc *time.Location) { x.p.loc = loc }

func (x *xmlProcessor) About() map[string]string {
	return map[string]string{
		"version": "1.0.0",
		"description": "XML logs: one record per repeated element under the root " +
			"(java.util.logging XMLFormatter, log4j2 XmlLayout) or per top-level " +
			"event of root-less fragments (log4j 1.x XMLLayout)",
	}
}

// batchSink converts scanner records to SDK records.
type batchSink struct {
	b      *logmill.Batch
	r      logmill.Record
	fields []logmill.Field
}

func (s *batchSink) add(xr *xrecord) bool {
	fs := s.fields[:0]
	for i := range xr.fields {
		fs = append(fs, logmill.Field{Key: xr.fields[i].key, Value: xr.fields[i].val})
	}
	s.fields = fs
	s.r = logmill.Record{
		Time:         xr.time,
		HasTime:      xr.hasTime,
		SeverityText: xr.sevText,
		Message:      xr.msg,
		Line:         xr.line,
		Offset:       xr.offset,
		Malformed:    xr.malformed,
		Fields:       fs,
	}
	return s.b.Add(&s.r)
}

func NewProcessor() logmill.Processor {
	return &xmlProcessor{p: newXMLParser(logmill.ParseTimeField)}
}

func init() { logmill.Register(NewProcessor) }

func main() {}
