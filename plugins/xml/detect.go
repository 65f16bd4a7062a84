package main

import (
	"bytes"
	"time"
)

// detectXML scores a file head (ProcessorDetect):
//
//	100  java.util.logging XMLFormatter (<!DOCTYPE log SYSTEM "logger.dtd">)
//	     or a head starting with <log4j:event (log4j 1.x XMLLayout)
//	 90  records whose element name repeats (a root whose first child
//	     repeats, or root-less <Event>/<record>/... fragments)
//	 60  well-formed records, but no repeat seen in the head
//	 30  an XML declaration, nothing else conclusive
//	 10  starts with '<' but does not scan cleanly
//	  0  does not start (after a BOM and whitespace) with '<'
func detectXML(head []byte) int {
	h := head
	if hasLit(h, "\xEF\xBB\xBF") == 1 {
		h = h[3:]
	}
	for len(h) > 0 && isSpace[h[0]] {
		h = h[1:]
	}
	if len(h) == 0 || h[0] != '<' {
		return 0
	}
	if bytes.Contains(h, []byte(`<!DOCTYPE log SYSTEM "logger.dtd"`)) || hasLit(h, "<log4j:event") == 1 {
		return 100
	}
	p := newXMLParser(func([]byte, *time.Location) (int64, bool) { return 0, false })
	var s detectSink
	if _, err := p.parse(h, false, &s); err != nil {
		return 0
	}
	switch {
	case s.bad == 0 && s.repeats:
		return 90
	case s.bad == 0 && s.good > 0:
		return 60
	case s.good > s.bad:
		return 40
	case s.good == 0 && s.bad == 0 && hasLit(h, "<?xml") == 1:
		return 30
	}
	return 10
}

type detectSink struct {
	good, bad int
	first     string
	repeats   bool
}

func (s *detectSink) add(r *xrecord) bool {
	if r.malformed {
		s.bad++
		return true
	}
	if s.good == 0 {
		s.first = r.name
	} else if r.name == s.first {
		s.repeats = true
	}
	s.good++
	return true
}
