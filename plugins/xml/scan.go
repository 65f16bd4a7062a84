package main

// The XML record scanner. This file (with names.go and detect.go) has no
// dependency on the SDK or on cgo: it turns bytes into xrecord values and
// hands them to a recordSink; main.go converts them to logmill.Record.
//
// Stream model
//
//   - Bytes before the first record (BOM, XML declaration, DOCTYPE, comments,
//     processing instructions, the root start tag) are consumed without a
//     record, and so is the root end tag.
//   - With a root (<log>, <Events>, ...), every element directly under the
//     root is one record. A start tag at depth 1 that repeats the root's name
//     (java.util.logging appending a second header to the same file) is
//     skipped like the root start tag. After the root end tag the stream may
//     start over with another document (concatenated files).
//   - Without a root (log4j 1.x XMLLayout, log4j2 XmlLayout complete=false):
//     when the first top-level element's local name is event, record, entry
//     or logevent (case-insensitive), every top-level element is a record.
//   - A root that is never closed (a log file still being written) is fine.
//
// Fields (keys are local names, without namespace prefixes; xmlns attributes
// are dropped):
//
//   - attributes of the record element:       name          (logger="x" -> logger)
//   - text of a child element:                child         (<level>SEVERE</level> -> level)
//   - text of deeper descendants:             parent.child  (exception.frame.method)
//   - attributes of a child or descendant:    path.@attr    (Instant.@epochSecond)
//   - text directly inside the record element (next to children): #text
//   - a descendant whose only attributes are name (or key) and value, like
//     log4j's <log4j:data name="user" value="bob"/> or log4j2's
//     <item key="user" value="bob"/>:      parent.user   (properties.user=bob)
//
// A childless element without attributes and without text gives an empty
// value. An element with children has no field of its own unless it has
// non-blank text of its own. Text is the concatenation of the element's own
// character data (entities decoded) and CDATA sections (verbatim), trimmed of
// surrounding whitespace as a whole. When a key occurs more than once in a
// record (repeated children, e.g. the frames of a java.util.logging stack
// trace), the values are joined with "\n" in document order, so keys stay
// unique. Comments and processing instructions are skipped.
//
// Time, severity and message come from the record's attributes and direct
// children (never from deeper elements such as a JUL <exception><message>),
// matched case-insensitively on local names:
//
//   - time: log4j2 <Instant epochSecond= nanoOfSecond=> first; then a date,
//     time, timestamp, @timestamp or datetime value with more than 3
//     fraction digits (JUL on Java 9+: <date>...208205Z</date>); then
//     timeMillis / millis as epoch milliseconds plus JUL's <nanos> (the
//     nanoseconds within that millisecond); then any of the date names via
//     logmill.ParseTimeField in the zone from SetZone (ISO or epoch numbers,
//     e.g. log4j 1.x timestamp="1795413280208"). So Java 8's zone-less
//     <date>2026-11-23T05:54:40</date> loses to <millis>.
//   - severity text: level, then severity, then priority (Severity stays 0,
//     logmill normalizes the text).
//   - message: message, then msg, then text; else the record's own text.
//
// The fields chosen as message and severity are not repeated as fields;
// every other field (including the ones the time came from) is kept.
//
// Malformed input (mismatched or broken tags, a stray '<', text outside
// records, an element unterminated at eof) becomes one MALFORMED record with
// the reason, field raw = its first 200 bytes (trailing whitespace trimmed),
// and the line where it began;
// scanning resynchronizes at the next start tag of a record (same element
// name) or the root end tag.

import (
	"bytes"
	"errors"
	"time"
	"unicode/utf8"
)

const (
	rawMax       = 200      // bytes of a malformed record kept in field "raw"
	maxRecordLen = 64 << 20 // a record longer than this is given up on even before eof
)

// Stream modes.
const (
	modeProlog   = iota // before the root / first record, or after the root end tag
	modeRoot            // inside the root element: depth-1 elements are records
	modeFragment        // no root: top-level elements are records
)

// scanRecord results.
const (
	scanOK = iota
	scanMore
	scanErr
)

var errUTF16 = errors.New("xml: UTF-16 input is not supported (convert the file to UTF-8)")

// xfield is one key/value of a record. val points into the input or into the
// parser's arena; aStart/aEnd are its arena bounds (-1 if not in the arena).
type xfield struct {
	key    string
	cls    fieldClass
	rank   uint8
	val    []byte
	aStart int
	aEnd   int
}

type xrecord struct {
	time      int64
	hasTime   bool
	sevText   []byte
	msg       []byte
	line      uint64
	offset    int
	malformed bool
	name      string // record element name (qualified), "" for malformed
	fields    []xfield
}

type recordSink interface {
	add(r *xrecord) bool
}

// elem is an open element while a record is scanned.
type elem struct {
	name     []byte // qualified name, points into input
	pathLen  int    // len(p.path) before this element was pushed
	tsrc     uint8  // 0 no text yet, 1 text = in[ta:tb], 2 text = arena[ta:tb]
	ta, tb   int
	children bool
	attrs    bool
}

type xmlParser struct {
	loc       *time.Location
	parseTime func(s []byte, loc *time.Location) (int64, bool)

	// stream state, kept across parse calls
	line     uint64 // line of the first unconsumed byte, 1-based
	started  bool   // BOM / encoding check done
	mode     uint8
	rootName string
	recName  string // name of the last record element, for resynchronization

	// scratch, reused for every record
	names    nameTable
	fields   []xfield
	out      []xfield
	arena    []byte
	stack    []elem
	path     []byte
	ownText  []byte
	rec      xrecord
	attrs    []attrSpan // attributes of the start tag being parsed
	kbuf     []byte
	firstKey *nameInfo // first key of the previous record
	prevKey  *nameInfo // previous key of the record being scanned
}

func newXMLParser(parseTime func([]byte, *time.Location) (int64, bool)) *xmlParser {
	p := &xmlParser{parseTime: parseTime, line: 1}
	p.names.init()
	p.fields = make([]xfield, 0, 32)
	p.out = make([]xfield, 0, 32)
	p.arena = make([]byte, 0, 4096)
	p.stack = make([]elem, 0, 16)
	p.path = make([]byte, 0, 128)
	return p
}

var (
	isSpace     [256]bool
	isName      [256]bool
	isNameStart [256]bool
)

func init() {
	for _, c := range []byte{' ', '\t', '\r', '\n'} {
		isSpace[c] = true
	}
	for c := 0; c < 256; c++ {
		b := byte(c)
		letter := (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b >= 0x80
		isNameStart[c] = letter || b == '_' || b == ':'
		isName[c] = isNameStart[c] || (b >= '0' && b <= '9') || b == '-' || b == '.'
	}
}

// lineCursor counts newlines forward through the input of one parse call.
type lineCursor struct {
	pos  int
	line uint64
}

func (c *lineCursor) at(in []byte, x int) uint64 {
	if x > c.pos {
		c.line += uint64(bytes.Count(in[c.pos:x], []byte{'\n'}))
		c.pos = x
	}
	return c.line
}

// hasLit reports whether in starts with lit: 1 yes, -1 no, 0 cannot tell yet
// (in is a proper prefix of lit).
func hasLit(in []byte, lit string) int {
	if len(in) >= len(lit) {
		if string(in[:len(lit)]) == lit {
			return 1
		}
		return -1
	}
	if string(in) == lit[:len(in)] {
		return 0
	}
	return -1
}

func localName(name []byte) []byte {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == ':' {
			return name[i+1:]
		}
	}
	return name
}

func isXmlns(name []byte) bool {
	return len(name) >= 5 && string(name[:5]) == "xmlns" && (len(name) == 5 || name[5] == ':')
}

// parse is ProcessorParse: it emits the complete records of in and returns
// the bytes consumed.
func (p *xmlParser) parse(in []byte, eof bool, sink recordSink) (int, error) {
	n := len(in)
	pos, consumed := 0, 0
	lc := lineCursor{line: p.line}
	if !p.started {
		if n < 3 && !eof && (hasLit(in, "\xEF\xBB\xBF") == 0 || (n == 1 && (in[0] == 0xFE || in[0] == 0xFF))) {
			return 0, nil
		}
		if n >= 2 && ((in[0] == 0xFE && in[1] == 0xFF) || (in[0] == 0xFF && in[1] == 0xFE)) {
			return 0, errUTF16
		}
		if hasLit(in, "\xEF\xBB\xBF") == 1 {
			pos, consumed = 3, 3
			lc.pos = 3
		}
		if n > 0 || eof {
			p.started = true
		}
	}

loop:
	for pos < n {
		c := in[pos]
		if isSpace[c] {
			pos++
			for pos < n && isSpace[in[pos]] {
				pos++
			}
			consumed = pos
			continue
		}
		if c != '<' {
			// text outside any record
			end := nextMarkup(in, pos+1)
			if end < 0 {
				if !eof && n-pos < maxRecordLen {
					break loop
				}
				end = n
			}
			if !p.emitMalformed(in, pos, end, lc.at(in, pos), "unexpected text outside a record", sink) {
				break loop
			}
			pos, consumed = end, end
			continue
		}
		if pos+1 >= n {
			if !eof {
				break loop
			}
			if !p.emitMalformed(in, pos, n, lc.at(in, pos), "unterminated markup at end of input", sink) {
				break loop
			}
			pos, consumed = n, n
			continue
		}
		switch c1 := in[pos+1]; {
		case c1 == '?' || c1 == '!':
			end, st, reason := skipDecl(in, pos)
			if st == scanMore {
				if !eof && n-pos < maxRecordLen {
					break loop
				}
				st, reason = scanErr, "unterminated "+reason+" at end of input"
			}
			if st == scanErr {
				r := nextMarkup(in, pos+1)
				if r < 0 {
					r = n
				}
				if !p.emitMalformed(in, pos, r, lc.at(in, pos), reason, sink) {
					break loop
				}
				end = r
			}
			pos, consumed = end, end
		case c1 == '/':
			j := pos + 2
			for j < n && isName[in[j]] {
				j++
			}
			name := in[pos+2 : j]
			for j < n && isSpace[in[j]] {
				j++
			}
			if j >= n {
				if !eof && n-pos < maxRecordLen {
					break loop
				}
				if !p.emitMalformed(in, pos, n, lc.at(in, pos), "unterminated end tag at end of input", sink) {
					break loop
				}
				pos, consumed = n, n
				continue
			}
			if in[j] == '>' && p.mode == modeRoot && string(name) == p.rootName {
				p.mode = modeProlog // root closed; another document may follow
				pos, consumed = j+1, j+1
				continue
			}
			end := j
			if in[j] == '>' {
				end = j + 1
			}
			if !p.emitMalformed(in, pos, end, lc.at(in, pos), "unexpected end tag </"+string(name)+">", sink) {
				break loop
			}
			pos, consumed = end, end
		case !isNameStart[c1]:
			r := nextMarkup(in, pos+1)
			if r < 0 {
				if !eof && n-pos < maxRecordLen {
					break loop
				}
				r = n
			}
			if !p.emitMalformed(in, pos, r, lc.at(in, pos), "invalid character after '<'", sink) {
				break loop
			}
			pos, consumed = r, r
		default:
			// a start tag
			j := pos + 1
			for j < n && isName[in[j]] {
				j++
			}
			if j >= n {
				if !eof {
					break loop
				}
				if !p.emitMalformed(in, pos, n, lc.at(in, pos), "unterminated start tag at end of input", sink) {
					break loop
				}
				pos, consumed = n, n
				continue
			}
			name := in[pos+1 : j]
			isRoot := false
			if p.mode == modeProlog {
				if isRecordName(localName(name)) {
					// After a root was closed, a record start without a new root
					// header is a record of that root (as a range of a split file
					// sees the documents after the first: resync.go), not the
					// start of root-less fragments.
					p.mode = modeFragment
					if p.rootName != "" {
						p.mode = modeRoot
					}
				} else {
					isRoot = true
				}
			} else if p.mode == modeRoot && string(name) == p.rootName {
				isRoot = true // a second header of the same log
			}
			if isRoot {
				end, self, st := findTagEnd(in, j)
				if st == scanMore {
					if !eof && n-pos < maxRecordLen {
						break loop
					}
					if !p.emitMalformed(in, pos, n, lc.at(in, pos), "unterminated start tag <"+string(name)+"> at end of input", sink) {
						break loop
					}
					pos, consumed = n, n
					continue
				}
				if !self {
					p.mode = modeRoot
					if p.rootName != string(name) {
						p.rootName = string(name)
					}
				}
				pos, consumed = end, end
				continue
			}
			end, st, reason := p.scanRecord(in, pos)
			if st == scanMore {
				if !eof && n-pos < maxRecordLen {
					break loop
				}
				if eof {
					reason = "unterminated element <" + string(name) + "> at end of input"
				} else {
					reason = "element <" + string(name) + "> longer than 64 MiB"
				}
				st = scanErr
			}
			line := lc.at(in, pos)
			if p.recName != string(name) {
				p.recName = p.names.intern(name).key
			}
			if st == scanOK {
				p.finishRecord(line, pos)
				if !sink.add(&p.rec) {
					break loop
				}
				pos, consumed = end, end
				continue
			}
			r := p.resync(in, pos+1)
			if r < 0 {
				if !eof && n-pos < maxRecordLen {
					break loop
				}
				r = n
			}
			if !p.emitMalformed(in, pos, r, line, reason, sink) {
				break loop
			}
			pos, consumed = r, r
		}
	}
	p.line = lc.at(in, consumed)
	return consumed, nil
}

// nextMarkup returns the index of the next '<' at or after from that could
// start markup, or -1.
func nextMarkup(in []byte, from int) int {
	for from < len(in) {
		k := bytes.IndexByte(in[from:], '<')
		if k < 0 {
			return -1
		}
		k += from
		if k+1 >= len(in) {
			return -1 // cannot tell yet
		}
		c := in[k+1]
		if isNameStart[c] || c == '/' || c == '!' || c == '?' {
			return k
		}
		from = k + 1
	}
	return -1
}

// resync returns the index of the next start tag of a record (an element named
// like the last record) or of the root end tag, at or after from; -1 if none
// is certain yet.
func (p *xmlParser) resync(in []byte, from int) int {
	name := p.recName
	for from < len(in) {
		k := bytes.IndexByte(in[from:], '<')
		if k < 0 {
			return -1
		}
		k += from
		rest := in[k+1:]
		if len(rest) > len(name) && string(rest[:len(name)]) == name {
			c := rest[len(name)]
			if isSpace[c] || c == '>' || c == '/' {
				return k
			}
		}
		if p.mode == modeRoot && len(rest) > len(p.rootName)+1 && rest[0] == '/' &&
			string(rest[1:1+len(p.rootName)]) == p.rootName {
			c := rest[1+len(p.rootName)]
			if isSpace[c] || c == '>' {
				return k
			}
		}
		from = k + 1
	}
	return -1
}

// skipDecl skips <?...?>, <!--...-->, <!DOCTYPE ...[...]>, <![CDATA[...]]>
// and other <!...> at in[i]. Returns the end, status and (on scanMore or
// scanErr) what it was.
func skipDecl(in []byte, i int) (int, int, string) {
	if in[i+1] == '?' {
		k := bytes.Index(in[i+2:], []byte("?>"))
		if k < 0 {
			return 0, scanMore, "processing instruction"
		}
		return i + 2 + k + 2, scanOK, ""
	}
	switch hasLit(in[i:], "<!--") {
	case 0:
		return 0, scanMore, "comment"
	case 1:
		k := bytes.Index(in[i+4:], []byte("-->"))
		if k < 0 {
			return 0, scanMore, "comment"
		}
		return i + 4 + k + 3, scanOK, ""
	}
	switch hasLit(in[i:], "<![CDATA[") {
	case 0:
		return 0, scanMore, "CDATA section"
	case 1:
		k := bytes.Index(in[i+9:], []byte("]]>"))
		if k < 0 {
			return 0, scanMore, "CDATA section"
		}
		return i + 9 + k + 3, scanOK, "" // CDATA outside a record: nothing to keep
	}
	// <!DOCTYPE ...> with an optional internal subset in [ ]; quotes respected.
	depth := 0
	var quote byte
	for j := i + 2; j < len(in); j++ {
		c := in[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '>' && depth <= 0:
			return j + 1, scanOK, ""
		}
	}
	return 0, scanMore, "declaration"
}

// findTagEnd finds the '>' ending a start tag whose name ends at j, honoring
// quoted attribute values. Returns the index after '>', whether the tag is
// self-closing, and scanOK or scanMore.
func findTagEnd(in []byte, j int) (int, bool, int) {
	var quote byte
	for ; j < len(in); j++ {
		c := in[j]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'':
			quote = c
		case '>':
			return j + 1, j > 0 && in[j-1] == '/', scanOK
		}
	}
	return 0, false, scanMore
}

// emitMalformed emits a MALFORMED record for in[start:end].
func (p *xmlParser) emitMalformed(in []byte, start, end int, line uint64, reason string, sink recordSink) bool {
	raw := in[start:end]
	// Trailing whitespace is not the record's: without it, a file cut short
	// gives the same record whether or not it ends with a newline.
	for len(raw) > 0 && isSpace[raw[len(raw)-1]] {
		raw = raw[:len(raw)-1]
	}
	if len(raw) > rawMax {
		cut := rawMax // do not cut a UTF-8 sequence in two
		for cut > rawMax-3 && !utf8.RuneStart(raw[cut]) {
			cut--
		}
		raw = raw[:cut]
	}
	p.out = append(p.out[:0], xfield{key: "raw", val: raw, aStart: -1, aEnd: -1})
	p.rec = xrecord{
		line:      line,
		offset:    start,
		malformed: true,
		msg:       []byte(reason),
		fields:    p.out,
	}
	return sink.add(&p.rec)
}

// scanRecord scans one complete record element starting at in[start] == '<'.
// It fills p.fields / p.ownText and returns the index after the record.
func (p *xmlParser) scanRecord(in []byte, start int) (int, int, string) {
	p.fields = p.fields[:0]
	p.arena = p.arena[:0]
	p.stack = p.stack[:0]
	p.path = p.path[:0]
	p.ownText = nil
	p.names.gen++
	p.prevKey = nil
	n := len(in)

	i, self, st, reason := p.openTag(in, start)
	if st != scanOK {
		return 0, st, reason
	}
	if self {
		p.closeElem(in)
		return i, scanOK, ""
	}
	for {
		k := bytes.IndexByte(in[i:], '<')
		if k < 0 {
			return 0, scanMore, ""
		}
		if k > 0 {
			p.addText(in, i, i+k, false)
			i += k
		}
		if i+1 >= n {
			return 0, scanMore, ""
		}
		c := in[i+1]
		switch {
		case c == '/':
			j := i + 2
			for j < n && isName[in[j]] {
				j++
			}
			name := in[i+2 : j]
			for j < n && isSpace[in[j]] {
				j++
			}
			if j >= n {
				return 0, scanMore, ""
			}
			top := &p.stack[len(p.stack)-1]
			if in[j] != '>' || len(name) == 0 {
				return 0, scanErr, "malformed end tag in <" + string(top.name) + ">"
			}
			if !bytes.Equal(name, top.name) {
				return 0, scanErr, "mismatched end tag </" + string(name) + ">, expected </" + string(top.name) + ">"
			}
			p.closeElem(in)
			i = j + 1
			if len(p.stack) == 0 {
				return i, scanOK, ""
			}
		case isNameStart[c]:
			i, self, st, reason = p.openTag(in, i)
			if st != scanOK {
				return 0, st, reason
			}
			if self {
				p.closeElem(in)
			}
		case c == '?':
			k := bytes.Index(in[i+2:], []byte("?>"))
			if k < 0 {
				return 0, scanMore, ""
			}
			i += 2 + k + 2
		case c == '!':
			if r := hasLit(in[i:], "<![CDATA["); r == 1 {
				k := bytes.Index(in[i+9:], []byte("]]>"))
				if k < 0 {
					return 0, scanMore, ""
				}
				p.addText(in, i+9, i+9+k, true)
				i += 9 + k + 3
				continue
			} else if r == 0 {
				return 0, scanMore, ""
			}
			if r := hasLit(in[i:], "<!--"); r == 1 {
				k := bytes.Index(in[i+4:], []byte("-->"))
				if k < 0 {
					return 0, scanMore, ""
				}
				i += 4 + k + 3
				continue
			} else if r == 0 {
				return 0, scanMore, ""
			}
			return 0, scanErr, "unexpected '<!' in <" + string(p.stack[len(p.stack)-1].name) + ">"
		default:
			return 0, scanErr, "unescaped '<' in <" + string(p.stack[len(p.stack)-1].name) + ">"
		}
	}
}

// openTag parses the start tag at in[i] (in[i+1] is a name start), pushes
// the element and adds its attributes as fields.
func (p *xmlParser) openTag(in []byte, i int) (int, bool, int, string) {
	n := len(in)
	j := i + 1
	for j < n && isName[in[j]] {
		j++
	}
	if j >= n {
		return 0, false, scanMore, ""
	}
	name := in[i+1 : j]
	depth := len(p.stack)
	pl := len(p.path)
	if depth > 0 {
		p.stack[depth-1].children = true
		if pl > 0 {
			p.path = append(p.path, '.')
		}
		p.path = append(p.path, localName(name)...)
	}
	p.stack = append(p.stack, elem{name: name, pathLen: pl})
	p.attrs = p.attrs[:0]
	for {
		for j < n && isSpace[in[j]] {
			j++
		}
		if j >= n {
			return 0, false, scanMore, ""
		}
		c := in[j]
		if c == '>' {
			p.flushAttrs(in, depth)
			return j + 1, false, scanOK, ""
		}
		if c == '/' {
			if j+1 >= n {
				return 0, false, scanMore, ""
			}
			if in[j+1] == '>' {
				p.flushAttrs(in, depth)
				return j + 2, true, scanOK, ""
			}
			return 0, false, scanErr, "malformed start tag <" + string(name) + ">"
		}
		if !isNameStart[c] {
			return 0, false, scanErr, "malformed start tag <" + string(name) + ">"
		}
		k := j
		for k < n && isName[in[k]] {
			k++
		}
		aname := in[j:k]
		for k < n && isSpace[in[k]] {
			k++
		}
		if k >= n {
			return 0, false, scanMore, ""
		}
		if in[k] != '=' {
			return 0, false, scanErr, "attribute " + string(aname) + " without value in <" + string(name) + ">"
		}
		k++
		for k < n && isSpace[in[k]] {
			k++
		}
		if k >= n {
			return 0, false, scanMore, ""
		}
		q := in[k]
		if q != '"' && q != '\'' {
			return 0, false, scanErr, "unquoted value of attribute " + string(aname) + " in <" + string(name) + ">"
		}
		qe := bytes.IndexByte(in[k+1:], q)
		if qe < 0 {
			return 0, false, scanMore, ""
		}
		j = k + 1 + qe + 1
		if isXmlns(aname) {
			continue
		}
		p.attrs = append(p.attrs, attrSpan{name: aname, vs: k + 1, ve: k + 1 + qe})
	}
}

type attrSpan struct {
	name   []byte
	vs, ve int
}

// flushAttrs turns the attributes collected by openTag into fields.
func (p *xmlParser) flushAttrs(in []byte, depth int) {
	at := p.attrs
	if len(at) == 0 {
		return
	}
	p.attrs = at[:0]
	p.stack[depth].attrs = true
	if depth > 0 && len(at) == 2 {
		// <data name="user" value="bob"/> (log4j 1.x properties), <item
		// key="user" value="bob"/> (log4j2 ContextMap): parent.user=bob
		ni, vi := -1, -1
		for k := range at {
			switch string(localName(at[k].name)) {
			case "name", "key":
				ni = k
			case "value":
				vi = k
			}
		}
		if ni >= 0 && vi >= 0 && at[ni].ve > at[ni].vs {
			pl := p.stack[depth].pathLen
			p.kbuf = append(p.kbuf[:0], p.path[:pl]...)
			if pl > 0 {
				p.kbuf = append(p.kbuf, '.')
			}
			p.kbuf = decodeAppend(p.kbuf, in[at[ni].vs:at[ni].ve])
			p.addAttrValue(in, p.internSeq(p.kbuf), at[vi])
			return
		}
	}
	for _, a := range at {
		var info *nameInfo
		if depth == 0 {
			info = p.internSeq(localName(a.name))
		} else {
			cur := len(p.path)
			p.path = append(p.path, '.', '@')
			p.path = append(p.path, localName(a.name)...)
			info = p.internSeq(p.path)
			p.path = p.path[:cur]
		}
		p.addAttrValue(in, info, a)
	}
}

func (p *xmlParser) addAttrValue(in []byte, info *nameInfo, a attrSpan) {
	val := in[a.vs:a.ve]
	as, ae := -1, -1
	if bytes.IndexByte(val, '&') >= 0 {
		as = len(p.arena)
		p.arena = decodeAppend(p.arena, val)
		ae = len(p.arena)
		val = p.arena[as:ae]
	}
	p.addField(info, val, as, ae)
}

// addText appends in[a:b] to the text of the innermost open element (entities
// decoded unless raw, i.e. CDATA).
func (p *xmlParser) addText(in []byte, a, b int, raw bool) {
	e := &p.stack[len(p.stack)-1]
	if e.tsrc == 0 {
		if !raw {
			k := a
			for k < b && isSpace[in[k]] {
				k++
			}
			if k == b {
				return // blank text before anything else: trimmed anyway
			}
			a = k
		}
		if raw || bytes.IndexByte(in[a:b], '&') < 0 {
			e.tsrc, e.ta, e.tb = 1, a, b
			return
		}
		e.tsrc, e.ta = 2, len(p.arena)
		p.arena = decodeAppend(p.arena, in[a:b])
		e.tb = len(p.arena)
		return
	}
	if e.tsrc == 1 {
		s := len(p.arena)
		p.arena = append(p.arena, in[e.ta:e.tb]...)
		e.tsrc, e.ta = 2, s
	} else if e.tb != len(p.arena) {
		s := len(p.arena)
		p.arena = append(p.arena, p.arena[e.ta:e.tb]...)
		e.ta = s
	}
	if raw {
		p.arena = append(p.arena, in[a:b]...)
	} else {
		p.arena = decodeAppend(p.arena, in[a:b])
	}
	e.tb = len(p.arena)
}

// closeElem pops the innermost element and turns its text into a field.
func (p *xmlParser) closeElem(in []byte) {
	d := len(p.stack) - 1
	e := &p.stack[d]
	var text []byte
	as := -1
	switch e.tsrc {
	case 1:
		text = in[e.ta:e.tb]
	case 2:
		text = p.arena[e.ta:e.tb]
		as = e.ta
	}
	// trim
	lo, hi := 0, len(text)
	for lo < hi && isSpace[text[lo]] {
		lo++
	}
	for hi > lo && isSpace[text[hi-1]] {
		hi--
	}
	text = text[lo:hi]
	if d == 0 {
		p.ownText = text
	} else if len(text) > 0 || (!e.children && !e.attrs) {
		info := p.internSeq(p.path)
		ae := -1
		if as >= 0 {
			as += lo
			ae = as + len(text)
		}
		p.addField(info, text, as, ae)
	}
	p.path = p.path[:e.pathLen]
	p.stack = p.stack[:d]
}

// internSeq interns a key of the record being scanned. Records of a log
// mostly repeat the same keys in the same order, so the key that followed
// the previous key last time is tried first (a compare instead of a hash).
func (p *xmlParser) internSeq(b []byte) *nameInfo {
	guess := p.firstKey
	if p.prevKey != nil {
		guess = p.prevKey.next
	}
	if guess != nil && guess.key == string(b) {
		p.prevKey = guess
		return guess
	}
	ni := p.names.intern(b)
	if ni.gen == -1 {
		return ni
	}
	if p.prevKey == nil {
		p.firstKey = ni
	} else {
		p.prevKey.next = ni
	}
	p.prevKey = ni
	return ni
}

// addField adds key=val, joining with "\n" when the key is already present.
func (p *xmlParser) addField(info *nameInfo, val []byte, as, ae int) {
	if info.gen == p.names.gen {
		f := &p.fields[info.idx]
		if f.aStart >= 0 && f.aEnd == len(p.arena) {
			p.arena = append(p.arena, '\n')
			p.arena = append(p.arena, val...)
		} else {
			s := len(p.arena)
			p.arena = append(p.arena, f.val...)
			p.arena = append(p.arena, '\n')
			p.arena = append(p.arena, val...)
			f.aStart = s
		}
		f.aEnd = len(p.arena)
		f.val = p.arena[f.aStart:f.aEnd]
		return
	}
	if info.gen == -1 {
		// not interned (table full): linear search
		for k := range p.fields {
			if p.fields[k].key == info.key {
				tmp := nameInfo{key: info.key, gen: p.names.gen, idx: k}
				p.addField(&tmp, val, as, ae)
				return
			}
		}
	} else {
		info.gen = p.names.gen
		info.idx = len(p.fields)
	}
	p.fields = append(p.fields, xfield{key: info.key, cls: info.cls, rank: info.rank, val: val, aStart: as, aEnd: ae})
}

// finishRecord picks time, severity and message from p.fields and fills p.rec.
func (p *xmlParser) finishRecord(line uint64, offset int) {
	sevI, msgI := -1, -1
	var sevRank, msgRank uint8 = 255, 255
	millisI, nanosI, epochI, nosI := -1, -1, -1, -1
	nDate := 0
	var dates [4]int
	for k := range p.fields {
		f := &p.fields[k]
		switch f.cls {
		case clsNone:
		case clsLevel:
			if f.rank < sevRank {
				sevI, sevRank = k, f.rank
			}
		case clsMsg:
			if f.rank < msgRank {
				msgI, msgRank = k, f.rank
			}
		case clsDate:
			if nDate < len(dates) {
				dates[nDate] = k
				nDate++
			}
		case clsMillis:
			if millisI < 0 {
				millisI = k
			}
		case clsNanos:
			nanosI = k
		case clsEpochSec:
			epochI = k
		case clsNanoOfSec:
			nosI = k
		}
	}
	// dates in rank order (insertion sort, at most 4)
	for a := 1; a < nDate; a++ {
		for b := a; b > 0 && p.fields[dates[b]].rank < p.fields[dates[b-1]].rank; b-- {
			dates[b], dates[b-1] = dates[b-1], dates[b]
		}
	}

	r := &p.rec
	*r = xrecord{line: line, offset: offset, name: p.recName}
	// time: log4j2 <Instant epochSecond nanoOfSecond>, then a date with
	// sub-millisecond digits, then millis (+ JUL's nanos), then any date.
	if epochI >= 0 {
		if s, ok := parseInt(p.fields[epochI].val); ok {
			var ns int64
			if nosI >= 0 {
				if v, ok := parseInt(p.fields[nosI].val); ok && v >= 0 && v < 1e9 {
					ns = v
				}
			}
			r.time, r.hasTime = s*1e6+ns/1e3, true
		}
	}
	if !r.hasTime {
		for a := 0; a < nDate; a++ {
			v := p.fields[dates[a]].val
			if subMillis(v) {
				if t, ok := p.parseTime(v, p.loc); ok {
					r.time, r.hasTime = t, true
					break
				}
			}
		}
	}
	if !r.hasTime && millisI >= 0 {
		if ms, ok := parseInt(p.fields[millisI].val); ok {
			us := ms * 1000
			if nanosI >= 0 {
				if ns, ok := parseInt(p.fields[nanosI].val); ok && ns >= 0 && ns < 1e6 {
					us += ns / 1000
				}
			}
			r.time, r.hasTime = us, true
		}
	}
	if !r.hasTime {
		for a := 0; a < nDate; a++ {
			if t, ok := p.parseTime(p.fields[dates[a]].val, p.loc); ok {
				r.time, r.hasTime = t, true
				break
			}
		}
	}
	if sevI >= 0 {
		r.sevText = p.fields[sevI].val
	}
	if msgI >= 0 {
		r.msg = p.fields[msgI].val
	}
	out := p.out[:0]
	for k := range p.fields {
		if k != sevI && k != msgI {
			out = append(out, p.fields[k])
		}
	}
	if len(p.ownText) > 0 {
		if msgI < 0 {
			r.msg = p.ownText
		} else {
			out = append(out, xfield{key: "#text", val: p.ownText, aStart: -1, aEnd: -1})
		}
	}
	p.out = out
	r.fields = out
}

// subMillis reports whether a time text has more than 3 fraction digits.
func subMillis(v []byte) bool {
	for i := 0; i < len(v); i++ {
		if v[i] == '.' || v[i] == ',' {
			d := 0
			for i+1+d < len(v) && v[i+1+d] >= '0' && v[i+1+d] <= '9' {
				d++
			}
			if d > 3 {
				return true
			}
		}
	}
	return false
}

// parseInt parses an optionally signed decimal integer (surrounding
// whitespace already trimmed). At most 18 digits.
func parseInt(v []byte) (int64, bool) {
	neg := false
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		neg = v[0] == '-'
		v = v[1:]
	}
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var x int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		x = x*10 + int64(c-'0')
	}
	if neg {
		x = -x
	}
	return x, true
}

// decodeAppend appends src to dst with the predefined entities and character
// references decoded. Unknown or broken references are kept verbatim.
func decodeAppend(dst, src []byte) []byte {
	for {
		k := bytes.IndexByte(src, '&')
		if k < 0 {
			return append(dst, src...)
		}
		dst = append(dst, src[:k]...)
		src = src[k:]
		lim := len(src)
		if lim > 12 {
			lim = 12
		}
		semi := bytes.IndexByte(src[1:lim], ';') + 1
		if semi <= 1 {
			dst = append(dst, '&')
			src = src[1:]
			continue
		}
		ent := src[1:semi]
		var ch byte
		switch string(ent) {
		case "lt":
			ch = '<'
		case "gt":
			ch = '>'
		case "amp":
			ch = '&'
		case "quot":
			ch = '"'
		case "apos":
			ch = '\''
		}
		if ch != 0 {
			dst = append(dst, ch)
			src = src[semi+1:]
			continue
		}
		if ent[0] == '#' {
			if r, ok := charRef(ent[1:]); ok {
				dst = utf8.AppendRune(dst, r)
				src = src[semi+1:]
				continue
			}
		}
		dst = append(dst, src[:semi+1]...)
		src = src[semi+1:]
	}
}

func charRef(s []byte) (rune, bool) {
	base := rune(10)
	if len(s) > 0 && (s[0] == 'x' || s[0] == 'X') {
		base = 16
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 8 {
		return 0, false
	}
	var r rune
	for _, c := range s {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		r = r*base + d
	}
	if r == 0 || !utf8.ValidRune(r) {
		return 0, false
	}
	return r, true
}
