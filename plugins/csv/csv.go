// Command csv is logmill's bundled CSV processor plugin (build with
// `go build -buildmode=c-shared`). It parses RFC 4180 files (quoted fields,
// "" escapes, multi-line fields, CRLF or LF, a UTF-8 BOM) with an
// auto-detected delimiter, maps columns to time / severity / message by their
// header names or, for headerless files, by their content, and recognizes
// PostgreSQL's csvlog.
//
// Options (--opt csv.key=value):
//
//	delimiter  one character, or "tab" / "\t" (default: detected from the first line)
//	header     auto | yes | no (default auto: a first row of short, unique,
//	           non-empty names that are neither times nor numbers is a header)
//	columns    comma-separated column names for a headerless file (implies
//	           header=no unless header=yes, which skips the file's own header)
//	time       column name or 1-based index of the time ("none" for no time)
//	severity   column name or 1-based index of the severity ("none")
//	message    column name or 1-based index of the message ("none")
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/logmill/logmill/contract/go/logmill"
)

const (
	headerAuto = iota
	headerYes
	headerNo
)

const (
	scanOK = iota
	scanIncomplete
	scanUnterminated
)

const maxRaw = 200 // bytes of a malformed record kept in its "raw" field

var knownOptions = "delimiter, header, columns, time, severity, message"

type csvProcessor struct {
	// options
	optDelim   byte // 0 = detect
	optHeader  int
	optColumns []string
	optRole    [3]string // time, severity, message overrides ("" = none given)
	loc        *time.Location

	// stream state; advanced only for consumed bytes
	bomDone bool
	started bool   // delimiter, names and roles are set
	line    uint64 // line number of the next unconsumed byte
	delim   byte
	names   []string // field key of each column ("" = colN)
	role    [3]int   // column index of time, severity, message; -1 = none
	infer   bool     // roles still to infer from the first data row
	fixed   [3]bool  // role set by name, option or format (not inferred)

	// per-record scratch, reused
	vals    [][]byte
	scratch []byte
	quoted  bool
	colKeys []string
	fields  []logmill.Field
	rec     logmill.Record
}

const (
	roleTime = iota
	roleSev
	roleMsg
)

var roleNames = [3]string{"time", "severity", "message"}

func (p *csvProcessor) Name() string { return "csv" }

func (p *csvProcessor) Extensions() []string { return []string{"csv", "tsv"} }

func (p *csvProcessor) About() map[string]string {
	return map[string]string{
		"version":     "1.0.0",
		"description": "CSV/TSV logs (RFC 4180, delimiter and header detection, PostgreSQL csvlog)",
	}
}

func (p *csvProcessor) SetZone(loc *time.Location) { p.loc = loc }

func (p *csvProcessor) Configure(key, value string) error {
	switch key {
	case "delimiter":
		switch value {
		case "tab", "\\t", "\t", "TAB":
			p.optDelim = '\t'
		default:
			if len(value) != 1 || value[0] == '"' || value[0] == '\n' || value[0] == '\r' || value[0] >= 0x80 {
				return fmt.Errorf("delimiter must be one ASCII character other than a quote or newline, or \"tab\" (got %q)", value)
			}
			p.optDelim = value[0]
		}
	case "header":
		switch strings.ToLower(value) {
		case "auto", "":
			p.optHeader = headerAuto
		case "yes", "true", "1":
			p.optHeader = headerYes
		case "no", "false", "0":
			p.optHeader = headerNo
		default:
			return fmt.Errorf("header must be auto, yes or no (got %q)", value)
		}
	case "columns":
		p.optColumns = nil
		for _, c := range strings.Split(value, ",") {
			p.optColumns = append(p.optColumns, strings.TrimSpace(c))
		}
		if strings.TrimSpace(value) == "" {
			p.optColumns = nil
		}
	case "time", "severity", "message":
		v := strings.TrimSpace(value)
		if v == "" {
			return fmt.Errorf("%s needs a column name or 1-based index", key)
		}
		if n, err := strconv.Atoi(v); err == nil && n < 1 {
			return fmt.Errorf("%s: column index must be 1 or more (got %d)", key, n)
		}
		p.optRole[roleIndex(key)] = v
	default:
		return fmt.Errorf("unknown option %q (known: %s)", key, knownOptions)
	}
	return nil
}

func roleIndex(key string) int {
	switch key {
	case "time":
		return roleTime
	case "severity":
		return roleSev
	}
	return roleMsg
}

// Parse consumes complete records; see ProcessorParse in contract/logmill.h.
func (p *csvProcessor) Parse(in []byte, eof bool, out *logmill.Batch) (int, error) {
	pos := 0
	if !p.bomDone {
		if len(in) < 3 && !eof && bytes.HasPrefix([]byte("\xef\xbb\xbf"), in) {
			return 0, nil // maybe a BOM: wait for more
		}
		if bytes.HasPrefix(in, []byte("\xef\xbb\xbf")) {
			pos = 3
		}
		p.bomDone = true
		if p.line == 0 {
			p.line = 1
		}
	}
	for pos < len(in) {
		// blank lines: consumed, no record
		c := in[pos]
		if c == '\n' {
			pos++
			p.line++
			continue
		}
		if c == '\r' {
			if pos+1 < len(in) && in[pos+1] == '\n' {
				pos += 2
				p.line++
				continue
			}
			if pos+1 == len(in) {
				if !eof {
					break
				}
				pos++
				continue
			}
		}
		if !p.started {
			skip, err := p.start(in, pos, eof)
			if err != nil {
				return 0, err
			}
			if skip < 0 {
				break // first record incomplete: need more input
			}
			if skip > 0 { // a header, consumed
				pos = skip
				continue
			}
		}
		next, st := p.scan(in, pos, eof)
		if st == scanIncomplete {
			break
		}
		if st == scanUnterminated {
			if !p.addMalformed(in, pos, out) {
				break
			}
			p.line += uint64(bytes.Count(in[pos:], []byte{'\n'}))
			pos = len(in)
			break
		}
		var nl uint64
		if p.quoted {
			nl = uint64(bytes.Count(in[pos:next], []byte{'\n'}))
		} else if in[next-1] == '\n' {
			nl = 1
		}
		if p.emptyRecord() {
			pos = next
			p.line += nl
			continue
		}
		if p.infer {
			p.inferRoles()
		}
		if !p.addRecord(pos, out) {
			break
		}
		pos = next
		p.line += nl
	}
	return pos, nil
}

func (p *csvProcessor) emptyRecord() bool {
	for _, v := range p.vals {
		if len(v) != 0 {
			return false
		}
	}
	return true
}

func (p *csvProcessor) addRecord(pos int, out *logmill.Batch) bool {
	r := &p.rec
	r.Time, r.HasTime, r.Severity, r.Malformed = 0, false, logmill.SevUnknown, false
	r.SeverityText, r.Message = nil, nil
	r.Line, r.Offset = p.line, pos
	vals := p.vals
	fields := p.fields
	if len(fields) < len(vals) {
		fields = make([]logmill.Field, len(vals)+8)
		p.fields = fields
	}
	tc, sc, mc := p.role[roleTime], p.role[roleSev], p.role[roleMsg]
	k := 0
	for i := range vals {
		v := vals[i]
		switch {
		case i == tc:
			if us, ok := logmill.ParseTimeField(v, p.loc); ok {
				r.Time, r.HasTime = us, true
				continue
			}
		case i == sc:
			r.SeverityText = v
			continue
		case i == mc:
			r.Message = v
			continue
		}
		if len(v) == 0 {
			continue
		}
		f := &fields[k]
		f.Key, f.Value = p.key(i), v
		k++
	}
	r.Fields = fields[:k]
	return out.Add(r)
}

func (p *csvProcessor) addMalformed(in []byte, pos int, out *logmill.Batch) bool {
	raw := in[pos:]
	if len(raw) > maxRaw {
		raw = raw[:maxRaw]
		// do not cut a UTF-8 sequence in half
		i := len(raw) - 1
		for i > 0 && len(raw)-i < utf8.UTFMax && !utf8.RuneStart(raw[i]) {
			i--
		}
		if !utf8.FullRune(raw[i:]) {
			raw = raw[:i]
		}
	}
	r := &p.rec
	*r = logmill.Record{
		Malformed: true,
		Message:   []byte("unterminated quote"),
		Line:      p.line,
		Offset:    pos,
		Fields:    []logmill.Field{{Key: "raw", Value: raw}},
	}
	return out.Add(r)
}

// key is the field key of column i (0-based).
func (p *csvProcessor) key(i int) string {
	if i < len(p.names) && p.names[i] != "" {
		return p.names[i]
	}
	for len(p.colKeys) <= i {
		p.colKeys = append(p.colKeys, "col"+strconv.Itoa(len(p.colKeys)+1))
	}
	return p.colKeys[i]
}

// scan parses the record at in[pos:]. With scanOK, p.vals holds its fields
// (slices of in or p.scratch) and next is the index after its line end.
func (p *csvProcessor) scan(in []byte, pos int, eof bool) (next int, st int) {
	p.vals = p.vals[:0]
	p.scratch = p.scratch[:0]
	p.quoted = false
	d := p.delim
	n := len(in)
	i := pos // start of the current field
	for {
		if i < n && in[i] == '"' {
			p.quoted = true
			val, after, st := p.quotedField(in, i, eof)
			if st != scanOK {
				return 0, st
			}
			p.vals = append(p.vals, val)
			if after >= n {
				return n, scanOK
			}
			switch in[after] {
			case d:
				i = after + 1
				continue
			case '\n':
				return after + 1, scanOK
			default: // "\r\n", or "\r" at eof
				if after+1 < n {
					return after + 2, scanOK
				}
				return n, scanOK
			}
		}
		// unquoted: up to the next delimiter or newline; a quote in it is literal
		j := indexDelimOrNewline(in, i, d)
		if j < n && in[j] == d {
			p.vals = append(p.vals, in[i:j])
			i = j + 1
			continue
		}
		if j == n && !eof {
			return 0, scanIncomplete
		}
		v := in[i:j]
		if len(v) > 0 && v[len(v)-1] == '\r' {
			v = v[:len(v)-1]
		}
		p.vals = append(p.vals, v)
		if j == n {
			return n, scanOK
		}
		return j + 1, scanOK
	}
}

const (
	lsb   = 0x0101010101010101
	low7  = 0x7F7F7F7F7F7F7F7F
	nlRep = lsb * '\n'
)

// zeroBytes has the high bit set in exactly the bytes of x that are 0.
func zeroBytes(x uint64) uint64 {
	return ^((x&low7 + low7) | x | low7)
}

// indexDelimOrNewline returns the index of the first d or '\n' in in[i:]
// (absolute), or len(in). It compares 8 bytes at a time.
func indexDelimOrNewline(in []byte, i int, d byte) int {
	dRep := lsb * uint64(d)
	n := len(in)
	for i+8 <= n {
		x := binary.LittleEndian.Uint64(in[i:])
		if m := zeroBytes(x^dRep) | zeroBytes(x^nlRep); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < n && in[i] != d && in[i] != '\n' {
		i++
	}
	return i
}

// quotedField parses the quoted field starting at in[i] == '"'. after is the
// index just past its closing quote: a delimiter, '\n', "\r\n", or the end of
// input (at eof). A quote followed by anything else is taken literally
// (like encoding/csv's LazyQuotes).
func (p *csvProcessor) quotedField(in []byte, i int, eof bool) (val []byte, after int, st int) {
	n := len(in)
	start := i + 1
	j := start
	plain := true
	for {
		k := bytes.IndexByte(in[j:], '"')
		if k < 0 {
			if eof {
				return nil, 0, scanUnterminated
			}
			return nil, 0, scanIncomplete
		}
		q := j + k
		if q+1 >= n {
			if !eof {
				return nil, 0, scanIncomplete
			}
			return p.content(in[start:q], plain), n, scanOK
		}
		c := in[q+1]
		if c == '"' {
			plain = false
			j = q + 2
			continue
		}
		if c == p.delim || c == '\n' {
			return p.content(in[start:q], plain), q + 1, scanOK
		}
		if c == '\r' {
			if q+2 < n {
				if in[q+2] == '\n' {
					return p.content(in[start:q], plain), q + 1, scanOK
				}
			} else if !eof {
				return nil, 0, scanIncomplete
			} else {
				return p.content(in[start:q], plain), q + 1, scanOK
			}
		}
		// blanks between a closing quote and the delimiter: `"abc"  ,`
		w := q + 1
		for w < n && (in[w] == ' ' || in[w] == '\t') && in[w] != p.delim {
			w++
		}
		if w == n && !eof {
			return nil, 0, scanIncomplete
		}
		if w == n || in[w] == p.delim || in[w] == '\n' || (in[w] == '\r' && (w+1 == n || in[w+1] == '\n')) {
			if w+1 == n && in[w] == '\r' && !eof {
				return nil, 0, scanIncomplete
			}
			return p.content(in[start:q], plain), w, scanOK
		}
		plain = false // a stray quote, kept
		j = q + 1
	}
}

// content unescapes "" in a quoted field's content (into p.scratch).
func (p *csvProcessor) content(s []byte, plain bool) []byte {
	if plain {
		return s
	}
	off := len(p.scratch)
	for {
		k := bytes.IndexByte(s, '"')
		if k < 0 {
			p.scratch = append(p.scratch, s...)
			break
		}
		p.scratch = append(p.scratch, s[:k+1]...)
		if k+1 < len(s) && s[k+1] == '"' {
			k++
		}
		s = s[k+1:]
	}
	return p.scratch[off:len(p.scratch):len(p.scratch)]
}

// start settles the delimiter, the column names and the roles from the first
// record at in[pos:]. It returns -1 when that record is not complete yet, the
// index after it when it is a header (consumed), else 0.
func (p *csvProcessor) start(in []byte, pos int, eof bool) (int, error) {
	if p.optDelim != 0 {
		p.delim = p.optDelim
	} else {
		end := firstLineEnd(in[pos:])
		if end < 0 {
			if !eof {
				return -1, nil
			}
			end = len(in) - pos
		}
		p.delim = detectDelimiter(in[pos : pos+end])
	}
	next, st := p.scan(in, pos, eof)
	if st == scanIncomplete {
		return -1, nil
	}
	if st == scanUnterminated {
		// nothing to learn from; the main loop reports it
		p.setNames(nil)
		p.started = true
		return 0, nil
	}
	header := false
	switch p.optHeader {
	case headerYes:
		header = true
	case headerAuto:
		header = p.optColumns == nil && looksLikeHeader(p.vals)
	}
	p.role = [3]int{-1, -1, -1}
	p.fixed = [3]bool{}
	var names []string
	switch {
	case p.optColumns != nil:
		names = p.optColumns
	case header:
		names = make([]string, len(p.vals))
		for i, v := range p.vals {
			names[i] = strings.TrimSpace(string(v))
		}
	case isPostgresRow(p.vals):
		names = pgColumns[:len(p.vals)]
		p.role = [3]int{0, 11, 13}
		p.fixed = [3]bool{true, true, true}
	}
	p.setNames(names)
	if !p.fixed[roleTime] && (header || p.optColumns != nil) {
		p.mapByName()
	}
	if err := p.applyOverrides(); err != nil {
		return 0, err
	}
	p.infer = !(p.fixed[0] && p.fixed[1] && p.fixed[2])
	p.started = true
	if header {
		nl := uint64(bytes.Count(in[pos:next], []byte{'\n'}))
		p.line += nl
		return next, nil
	}
	return 0, nil
}

func (p *csvProcessor) setNames(names []string) {
	p.names = make([]string, len(names))
	seen := map[string]int{}
	for i, n := range names {
		if n == "" {
			continue
		}
		k := n
		for c := 2; ; c++ {
			if _, dup := seen[strings.ToLower(k)]; !dup {
				break
			}
			k = n + "_" + strconv.Itoa(c)
		}
		seen[strings.ToLower(k)] = i
		p.names[i] = k
	}
}

var roleAliases = [3][]string{
	{"time", "timestamp", "ts", "@timestamp", "date", "datetime", "log_time", "logtime", "time_local", "eventtime", "event_time"},
	{"level", "severity", "lvl", "loglevel", "log_level", "error_severity", "priority"},
	{"message", "msg", "text", "log", "description", "error_message"},
}

// mapByName assigns roles from the column names, in the order of preference
// of roleAliases.
func (p *csvProcessor) mapByName() {
	for r, aliases := range roleAliases {
		if p.fixed[r] {
			continue
		}
	alias:
		for _, a := range aliases {
			for i, n := range p.names {
				if strings.EqualFold(n, a) && !p.taken(i) {
					p.role[r] = i
					p.fixed[r] = true
					break alias
				}
			}
		}
	}
}

func (p *csvProcessor) taken(i int) bool {
	return p.role[0] == i || p.role[1] == i || p.role[2] == i
}

// applyOverrides applies the time / severity / message options.
func (p *csvProcessor) applyOverrides() error {
	for r, v := range p.optRole {
		if v == "" {
			continue
		}
		idx := -1
		if strings.EqualFold(v, "none") {
			idx = -1
		} else if n, err := strconv.Atoi(v); err == nil {
			idx = n - 1
		} else {
			for i, name := range p.names {
				if strings.EqualFold(name, v) {
					idx = i
					break
				}
			}
			if idx < 0 {
				if lv := strings.ToLower(v); strings.HasPrefix(lv, "col") {
					if k, err := strconv.Atoi(lv[3:]); err == nil && k >= 1 {
						idx = k - 1
					}
				}
			}
			if idx < 0 {
				return fmt.Errorf("csv: %s column %q not found (columns: %s)", roleNames[r], v, p.columnList())
			}
		}
		for o := range p.role { // a column serves one role
			if o != r && p.role[o] == idx && idx >= 0 {
				p.role[o] = -1
				p.fixed[o] = false
			}
		}
		p.role[r] = idx
		p.fixed[r] = true
	}
	return nil
}

func (p *csvProcessor) columnList() string {
	n := len(p.names)
	if len(p.vals) > n {
		n = len(p.vals)
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = p.key(i)
	}
	return strings.Join(parts, ", ")
}

// inferRoles fills the roles not set otherwise from the first data row: the
// first column holding a time, a column holding a severity word, and the
// longest text column as the message.
func (p *csvProcessor) inferRoles() {
	p.infer = false
	if !p.fixed[roleTime] {
		for i, v := range p.vals {
			if p.taken(i) {
				continue
			}
			if _, ok := logmill.ParseTime(v, p.loc); ok {
				p.role[roleTime] = i
				break
			}
		}
	}
	if !p.fixed[roleSev] {
		best, bestLen := -1, 0
		for i, v := range p.vals {
			if p.taken(i) || !isSeverityWord(v) {
				continue
			}
			l := len(bytes.TrimSpace(v))
			if best < 0 || (bestLen == 1 && l > 1) {
				best, bestLen = i, l
			}
		}
		p.role[roleSev] = best
	}
	if !p.fixed[roleMsg] {
		best, bestLen := -1, 0
		for i, v := range p.vals {
			if p.taken(i) || len(v) == 0 || isNumber(v) {
				continue
			}
			if l := utf8.RuneCount(v); l > bestLen {
				best, bestLen = i, l
			}
		}
		p.role[roleMsg] = best
	}
}

// firstLineEnd is the index of the first '\n' outside quotes, or -1.
func firstLineEnd(b []byte) int {
	inQ := false
	for i, c := range b {
		if c == '"' {
			inQ = !inQ
		} else if c == '\n' && !inQ {
			return i
		}
	}
	return -1
}

var delimCandidates = []byte{',', ';', '\t', '|'}

// detectDelimiter picks the most frequent of , ; TAB | outside quotes. The
// date-time a line may start with is skipped: the comma of its fraction
// (`20:43:13,459`) is no delimiter.
func detectDelimiter(line []byte) byte {
	var count [4]int
	inQ := false
	for _, c := range line[leadingStamp(line):] {
		switch c {
		case '"':
			inQ = !inQ
		case ',':
			if !inQ {
				count[0]++
			}
		case ';':
			if !inQ {
				count[1]++
			}
		case '\t':
			if !inQ {
				count[2]++
			}
		case '|':
			if !inQ {
				count[3]++
			}
		}
	}
	best := 0
	for i := 1; i < 4; i++ {
		if count[i] > count[best] {
			best = i
		}
	}
	return delimCandidates[best]
}

// looksLikeHeader: every field non-empty, unique, short, not a time or number.
func looksLikeHeader(vals [][]byte) bool {
	if len(vals) == 0 {
		return false
	}
	seen := make(map[string]bool, len(vals))
	for _, v := range vals {
		t := bytes.TrimSpace(v)
		if len(t) == 0 || len(t) > 64 || bytes.ContainsAny(t, "\r\n") {
			return false
		}
		if isNumber(t) {
			return false
		}
		if _, ok := logmill.ParseTime(t, nil); ok {
			return false
		}
		k := strings.ToLower(string(t))
		if seen[k] {
			return false
		}
		seen[k] = true
	}
	return true
}

// isNumber: an optionally signed decimal number with optional fraction and exponent.
func isNumber(v []byte) bool {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return false
	}
	if _, err := strconv.ParseFloat(string(v), 64); err == nil {
		// ParseFloat also takes "inf", "nan", hex and underscores: insist on a digit start
		c := v[0]
		if c == '+' || c == '-' || c == '.' {
			if len(v) < 2 {
				return false
			}
			c = v[1]
			if c == '.' && len(v) > 2 {
				c = v[2]
			}
		}
		return c >= '0' && c <= '9'
	}
	return false
}

// isSeverityWord: a text of the table in contract/SEVERITY.md (not numbers).
func isSeverityWord(v []byte) bool {
	t := bytes.TrimSpace(v)
	if len(t) >= 2 && ((t[0] == '[' && t[len(t)-1] == ']') || (t[0] == '<' && t[len(t)-1] == '>')) {
		t = bytes.TrimSpace(t[1 : len(t)-1])
	}
	t = bytes.TrimSuffix(t, []byte(":"))
	if len(t) == 0 || len(t) > 13 {
		return false
	}
	var buf [13]byte
	for i, c := range t {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(t)]) {
	case "TRACE", "FINEST", "FINER", "VERBOSE", "V",
		"DEBUG", "DBG", "FINE", "CONFIG", "DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4", "DEBUG5", "D",
		"INFO", "INFORMATION", "INFORMATIONAL", "I", "LOG", "DETAIL", "STATEMENT", "HINT", "CONTEXT", "QUERY",
		"NOTICE", "N",
		"WARN", "WARNING", "W",
		"ERROR", "ERR", "SEVERE", "E",
		"FATAL", "PANIC", "EMERG", "EMERGENCY", "ALERT", "CRITICAL", "CRIT", "F", "A":
		return true
	}
	return false
}

// PostgreSQL csvlog columns (runtime-config-logging.html#RUNTIME-CONFIG-LOGGING-CSVLOG):
// 23 up to PostgreSQL 12, 24 in 13 (backend_type), 26 from 14 (leader_pid, query_id).
var pgColumns = []string{
	"log_time", "user_name", "database_name", "process_id", "connection_from",
	"session_id", "session_line_num", "command_tag", "session_start_time",
	"virtual_transaction_id", "transaction_id", "error_severity", "sql_state_code",
	"message", "detail", "hint", "internal_query", "internal_query_pos", "context",
	"query", "query_pos", "location", "application_name", "backend_type",
	"leader_pid", "query_id",
}

func isPostgresRow(vals [][]byte) bool {
	switch len(vals) {
	case 23, 24, 26:
	default:
		return false
	}
	if _, ok := logmill.ParseTime(vals[0], nil); !ok {
		return false
	}
	switch string(vals[11]) {
	case "LOG", "ERROR", "FATAL", "PANIC", "WARNING", "NOTICE", "INFO",
		"DEBUG", "DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4", "DEBUG5":
		return true
	}
	return false
}

// Detect scores a file head. Mis-routing a text log to csv cuts every line
// at a comma, which is worse than leaving the file to text, so it claims a
// file only when the rows are consistent AND something says it is a table:
//
//   - 95: a PostgreSQL csvlog (its first record, parsed for real);
//   - 60-80: a first row of column names (a header: names that are not times
//     or numbers, look like names, and do not come back in their column),
//     more with 5 rows or more and with a time/level/message name;
//   - 60-70: a headerless table whose every row starts with a quoted field
//     followed by the delimiter: RFC 4180 quoting that no text logger writes
//     (OpenAM's audit log);
//
// else 0. A row that starts with a timestamp is not evidence by itself: the
// comma of a fraction (`20:43:13,459`, Python logging, log4j) is no
// delimiter, and neither is a `|` inside brackets (`[pid: 1|app: 0]`, uWSGI).
func (p *csvProcessor) Detect(head []byte) int {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	pos := 0
	for pos < len(head) && (head[pos] == '\n' || head[pos] == '\r') {
		pos++
	}
	head = head[pos:]
	// PostgreSQL csvlog: the first record, parsed for real
	{
		q := &csvProcessor{delim: ','}
		if _, st := q.scan(head, 0, false); st == scanOK && isPostgresRow(q.vals) {
			return 95
		}
	}
	end := firstLineEnd(head)
	if end < 0 {
		return 0
	}
	delim := p.optDelim
	if delim == 0 {
		delim = detectDelimiter(head[:end])
	}
	// the complete records of the head (at most maxRows), parsed for real
	const maxRows = 50
	q := &csvProcessor{delim: delim}
	var first []string // the first row's values, trimmed
	want, rows := -1, 0
	allQuoted := true   // every row starts with a quoted field and the delimiter
	headerBack := false // a value of the first row comes back in its column
	for pos := 0; pos < len(head) && rows < maxRows; {
		if c := head[pos]; c == '\n' || c == '\r' {
			pos++
			continue
		}
		next, st := q.scan(head, pos, false)
		if st != scanOK {
			break
		}
		line := head[pos:next]
		if stampSplit(line, delim) || delimInBrackets(line, delim) {
			return 0
		}
		if q.emptyRecord() {
			pos = next
			continue
		}
		if want < 0 {
			want = len(q.vals)
			for _, v := range q.vals {
				first = append(first, strings.TrimSpace(string(v)))
			}
		} else if len(q.vals) != want {
			return 0
		} else {
			for i, v := range q.vals {
				if first[i] != "" && strings.EqualFold(strings.TrimSpace(string(v)), first[i]) {
					headerBack = true
				}
			}
		}
		if !quotedFirst(line, delim) {
			allQuoted = false
		}
		rows++
		pos = next
	}
	if rows < 2 || want < 2 {
		return 0
	}
	score := 60
	if rows >= 5 {
		score += 10
	}
	switch {
	case !headerBack && looksLikeNames(first):
		// a header naming a time/level/message column is the strongest sign
		for _, v := range first {
			for _, aliases := range roleAliases {
				for _, a := range aliases {
					if strings.EqualFold(v, a) {
						return score + 10
					}
				}
			}
		}
		return score
	case allQuoted:
		return score
	}
	return 0
}

// looksLikeNames: a header row of column names for Detect, stricter than
// looksLikeHeader (which decides header=auto once a file is csv): each name
// also has a letter and none of the brackets or signs a log line's text has.
func looksLikeNames(first []string) bool {
	vals := make([][]byte, len(first))
	for i, v := range first {
		if !hasLetter(v) || strings.ContainsAny(v, "[]{}<>=:") {
			return false
		}
		vals[i] = []byte(v)
	}
	return looksLikeHeader(vals)
}

// hasLetter: an ASCII letter or any non-ASCII character (a name in another script).
func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; (c >= 'a' && c <= 'z') || s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// quotedFirst: the row starts with a quoted field closed right before the delimiter.
func quotedFirst(line []byte, delim byte) bool {
	if len(line) < 2 || line[0] != '"' {
		return false
	}
	for i := 1; i < len(line); i++ {
		if line[i] != '"' {
			continue
		}
		if i+1 < len(line) && line[i+1] == '"' {
			i++
			continue
		}
		return i+1 < len(line) && line[i+1] == delim
	}
	return false
}

// leadingStamp is the length of the date-time a line starts with
// (YYYY-MM-DD[T ]hh:mm:ss, with - or /, and a . or , fraction), or 0.
func leadingStamp(line []byte) int {
	const shape = "dddd-dd-dd dd:dd:dd"
	if len(line) < len(shape) {
		return 0
	}
	for i := 0; i < len(shape); i++ {
		c := line[i]
		switch shape[i] {
		case 'd':
			if c < '0' || c > '9' {
				return 0
			}
		case '-':
			if c != '-' && c != '/' {
				return 0
			}
		case ' ':
			if c != ' ' && c != 'T' {
				return 0
			}
		default:
			if c != shape[i] {
				return 0
			}
		}
	}
	n := len(shape)
	if n+1 < len(line) && (line[n] == '.' || line[n] == ',') && line[n+1] >= '0' && line[n+1] <= '9' {
		n++
		for n < len(line) && line[n] >= '0' && line[n] <= '9' {
			n++
		}
	}
	return n
}

// stampSplit: the line starts with a time whose fraction the delimiter would
// cut (`2026-11-25 20:43:13,459 INFO …` read as comma-separated).
func stampSplit(line []byte, delim byte) bool {
	n := leadingStamp(line)
	return n > 0 && bytes.IndexByte(line[:n], delim) >= 0
}

// delimInBrackets: an unquoted delimiter inside [...] (`[pid: 1|app: 0|req: 1/1]`):
// the line is text with a bracketed group, not a row.
func delimInBrackets(line []byte, delim byte) bool {
	depth := 0
	inQ := false
	for _, c := range line {
		switch {
		case c == '"':
			inQ = !inQ
		case inQ:
		case c == '[':
			depth++
		case c == ']':
			if depth > 0 {
				depth--
			}
		case c == delim && depth > 0:
			return true
		}
	}
	return false
}

// NewProcessor is the factory the SDK's NewProcessor export calls.
func NewProcessor() logmill.Processor {
	return &csvProcessor{loc: time.UTC, role: [3]int{-1, -1, -1}}
}

func init() { logmill.Register(NewProcessor) }

func main() {}
