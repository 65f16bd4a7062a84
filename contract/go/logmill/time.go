package logmill

import (
	"time"
)

// Timestamp parsing per contract/TIMESTAMPS.md, tested against
// contract/testdata/timestamps.json. None of these functions allocate.

// ParseTime parses a timestamp in one of the shapes of TIMESTAMPS.md (not bare
// epoch numbers: see ParseEpoch). loc is the zone for stamps that carry none
// (nil = UTC). Syslog stamps take their year from the current time.
func ParseTime(s []byte, loc *time.Location) (us int64, ok bool) {
	return parseTime(s, loc, time.Time{}, false)
}

// ParseTimeRef is ParseTime with ref as the reference instant for the year of
// syslog stamps: the year that puts the stamp closest before ref, allowing up
// to one day in the future.
func ParseTimeRef(s []byte, loc *time.Location, ref time.Time) (int64, bool) {
	return parseTime(s, loc, ref, true)
}

// ParseTimeField parses the value of a field known to hold a time: ParseTime,
// then ParseEpoch.
func ParseTimeField(s []byte, loc *time.Location) (int64, bool) {
	if us, ok := parseTime(s, loc, time.Time{}, false); ok {
		return us, true
	}
	return ParseEpoch(s)
}

// ParseEpoch parses a bare epoch number with an optional fraction. The unit
// follows the magnitude of the integer part: below 10^11 seconds, below 10^14
// milliseconds, below 10^17 microseconds, else nanoseconds.
func ParseEpoch(s []byte) (us int64, ok bool) {
	s = trimSpace(s)
	i := 0
	var v uint64
	for i < len(s) && isDigit(s[i]) {
		if i >= 19 {
			return 0, false
		}
		v = v*10 + uint64(s[i]-'0')
		i++
	}
	if i == 0 {
		return 0, false
	}
	// fraction as nanoseconds-of-a-unit (9 digits)
	var frac int64
	if i < len(s) {
		if s[i] != '.' || i+1 >= len(s) {
			return 0, false
		}
		i++
		n := 0
		for i < len(s) && isDigit(s[i]) {
			if n < 9 {
				frac = frac*10 + int64(s[i]-'0')
				n++
			}
			i++
		}
		if i != len(s) {
			return 0, false
		}
		for ; n < 9; n++ {
			frac *= 10
		}
	}
	if v > 9223372036854775807 {
		return 0, false
	}
	iv := int64(v)
	switch {
	case v < 1e11: // seconds
		return iv*1e6 + frac/1e3, true
	case v < 1e14: // milliseconds
		return iv*1e3 + frac/1e6, true
	case v < 1e17: // microseconds
		return iv + frac/1e9, true
	default: // nanoseconds
		return iv / 1e3, true
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func trimSpace(s []byte) []byte {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n') {
		s = s[1:]
	}
	for len(s) > 0 {
		c := s[len(s)-1]
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

// digits reads exactly n digits at s[i:].
func digits(s []byte, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for k := i; k < i+n; k++ {
		c := s[k]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// stamp is a parsed civil time, with its zone offset when it carried one.
type stamp struct {
	year, month, day int
	hour, min, sec   int
	us               int64
	hasZone          bool
	offset           int // seconds east of UTC
}

const noYear = -1 << 30

func parseTime(s []byte, loc *time.Location, ref time.Time, haveRef bool) (int64, bool) {
	s = trimSpace(s)
	if len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' {
		s = trimSpace(s[1 : len(s)-1])
	}
	if len(s) < 8 {
		return 0, false
	}
	var st stamp
	var ok bool
	c := s[0]
	switch {
	case isDigit(c) && len(s) >= 10 && (s[4] == '-' || s[4] == '/'):
		ok = parseISO(s, &st)
	case isDigit(c) && len(s) >= 11 && s[2] == '/':
		ok = parseCLF(s, &st)
	case isLetter(c) && len(s) >= 23 && s[3] == ' ' && s[7] == ' ' && isWeekday(s[0:3]):
		ok = parseCtime(s, &st)
	case isLetter(c):
		ok = parseSyslog(s, &st)
	}
	if !ok {
		return 0, false
	}
	if st.hour > 23 || st.min > 59 || st.sec > 59 || st.month < 1 || st.month > 12 || st.day < 1 {
		return 0, false
	}
	if st.year == noYear {
		return syslogYear(&st, loc, ref, haveRef)
	}
	if st.day > daysIn(st.month, st.year) {
		return 0, false
	}
	return st.toUnixMicro(loc), true
}

func (st *stamp) toUnixMicro(loc *time.Location) int64 {
	if st.hasZone || loc == nil || loc == time.UTC {
		secs := daysFromCivil(st.year, st.month, st.day)*86400 +
			int64(st.hour*3600+st.min*60+st.sec) - int64(st.offset)
		return secs*1e6 + st.us
	}
	t := time.Date(st.year, time.Month(st.month), st.day, st.hour, st.min, st.sec, 0, loc)
	return t.Unix()*1e6 + st.us
}

func syslogYear(st *stamp, loc *time.Location, ref time.Time, haveRef bool) (int64, bool) {
	if !haveRef {
		ref = time.Now()
	}
	if loc == nil {
		loc = time.UTC
	}
	limit := ref.Unix()*1e6 + int64(ref.Nanosecond()/1e3) + 86400*1e6
	y0 := ref.In(loc).Year()
	for y := y0 + 1; y >= y0-1; y-- {
		if st.day > daysIn(st.month, y) {
			continue
		}
		st.year = y
		if us := st.toUnixMicro(loc); us <= limit {
			return us, true
		}
	}
	// Feb 29 with no leap year nearby: search further back
	for y := y0 - 2; y >= y0-8; y-- {
		if st.day <= daysIn(st.month, y) {
			st.year = y
			return st.toUnixMicro(loc), true
		}
	}
	return 0, false
}

func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// parseISO: YYYY-MM-DD[T ]hh:mm[:ss][.frac][ ][zone], or with slashes.
func parseISO(s []byte, st *stamp) bool {
	sep := s[4]
	if len(s) >= 19 && s[7] == sep && (s[10] == 'T' || s[10] == ' ' || s[10] == 't') && s[13] == ':' && s[16] == ':' {
		// fast path: YYYY-MM-DD hh:mm:ss, all at fixed places
		_ = s[18]
		y0, y1, y2, y3 := s[0]-'0', s[1]-'0', s[2]-'0', s[3]-'0'
		m0, m1, d0, d1 := s[5]-'0', s[6]-'0', s[8]-'0', s[9]-'0'
		h0, h1, i0, i1 := s[11]-'0', s[12]-'0', s[14]-'0', s[15]-'0'
		s0, s1 := s[17]-'0', s[18]-'0'
		if y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || m0 > 9 || m1 > 9 || d0 > 9 || d1 > 9 ||
			h0 > 9 || h1 > 9 || i0 > 9 || i1 > 9 || s0 > 9 || s1 > 9 {
			return false
		}
		st.year = int(y0)*1000 + int(y1)*100 + int(y2)*10 + int(y3)
		st.month = int(m0)*10 + int(m1)
		st.day = int(d0)*10 + int(d1)
		st.hour = int(h0)*10 + int(h1)
		st.min = int(i0)*10 + int(i1)
		st.sec = int(s0)*10 + int(s1)
		i := 19
		if i+1 < len(s) && (s[i] == '.' || s[i] == ',') {
			var ok bool
			if i, ok = parseFrac(s, i+1, st); !ok {
				return false
			}
		}
		return parseZone(s, i, st)
	}
	var ok bool
	if st.year, ok = digits(s, 0, 4); !ok {
		return false
	}
	if st.month, ok = digits(s, 5, 2); !ok || s[7] != sep {
		return false
	}
	if st.day, ok = digits(s, 8, 2); !ok {
		return false
	}
	if len(s) < 16 || (s[10] != 'T' && s[10] != ' ' && s[10] != 't') {
		return false
	}
	i, ok := parseClock(s, 11, st, sep == '-')
	if !ok {
		return false
	}
	return parseZone(s, i, st)
}

// parseCLF: DD/Mon/YYYY:hh:mm:ss[ zone] (Apache / nginx access log).
func parseCLF(s []byte, st *stamp) bool {
	var ok bool
	if st.day, ok = digits(s, 0, 2); !ok {
		return false
	}
	if len(s) < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':' {
		return false
	}
	if st.month = monthIndex(s[3:6]); st.month == 0 {
		return false
	}
	if st.year, ok = digits(s, 7, 4); !ok {
		return false
	}
	i, ok := parseClock(s, 12, st, false)
	if !ok {
		return false
	}
	return parseZone(s, i, st)
}

// parseSyslog: Mon DD hh:mm:ss[.frac] or Mon  D hh:mm:ss (no year, no zone).
func parseSyslog(s []byte, st *stamp) bool {
	if len(s) < 14 || s[3] != ' ' {
		return false
	}
	if st.month = monthIndex(s[0:3]); st.month == 0 {
		return false
	}
	i, ok := parseDay(s, 4, st)
	if !ok {
		return false
	}
	i, ok = parseClock(s, i, st, false)
	if !ok || i != len(s) {
		return false
	}
	st.year = noYear
	return true
}

// parseDay reads the day of a syslog or ctime stamp at s[i]: one or two
// digits, maybe after a padding space, then a space. Returns the index after
// that space.
func parseDay(s []byte, i int, st *stamp) (int, bool) {
	if i < len(s) && s[i] == ' ' {
		i++
	}
	d, n := 0, 0
	for i < len(s) && isDigit(s[i]) && n < 2 {
		d = d*10 + int(s[i]-'0')
		i++
		n++
	}
	if n == 0 || i >= len(s) || s[i] != ' ' {
		return i, false
	}
	st.day = d
	return i + 1, true
}

// parseCtime: Www Mmm DD hh:mm:ss[.frac] YYYY (ctime/asctime, Apache httpd's
// error log); the day may be space-padded or one digit. No zone: the stamp is
// read in loc. The weekday must be a weekday's name but is not checked
// against the date.
func parseCtime(s []byte, st *stamp) bool {
	if st.month = monthIndex(s[4:7]); st.month == 0 {
		return false
	}
	i, ok := parseDay(s, 8, st)
	if !ok {
		return false
	}
	i, ok = parseClock(s, i, st, false)
	if !ok || i+5 != len(s) || s[i] != ' ' {
		return false
	}
	st.year, ok = digits(s, i+1, 4)
	return ok
}

func isWeekday(w []byte) bool {
	a, b, c := w[0]|0x20, w[1]|0x20, w[2]|0x20
	switch {
	case a == 'm' && b == 'o' && c == 'n', a == 't' && b == 'u' && c == 'e',
		a == 'w' && b == 'e' && c == 'd', a == 't' && b == 'h' && c == 'u',
		a == 'f' && b == 'r' && c == 'i', a == 's' && b == 'a' && c == 't',
		a == 's' && b == 'u' && c == 'n':
		return true
	}
	return false
}

// parseClock reads hh:mm[:ss][.frac] at s[i:], returning the index after it.
func parseClock(s []byte, i int, st *stamp, secOptional bool) (int, bool) {
	var ok bool
	if st.hour, ok = digits(s, i, 2); !ok || i+2 >= len(s) || s[i+2] != ':' {
		return 0, false
	}
	if st.min, ok = digits(s, i+3, 2); !ok {
		return 0, false
	}
	i += 5
	if i < len(s) && s[i] == ':' {
		if st.sec, ok = digits(s, i+1, 2); !ok {
			return 0, false
		}
		i += 3
	} else if !secOptional {
		return 0, false
	}
	if i+1 < len(s) && (s[i] == '.' || s[i] == ',') && isDigit(s[i+1]) {
		return parseFrac(s, i+1, st)
	}
	return i, true
}

// parseFrac reads the 1 to 9 digits of a fraction of a second at s[i:].
func parseFrac(s []byte, i int, st *stamp) (int, bool) {
	n := 0
	var f int64
	for i < len(s) && isDigit(s[i]) {
		if n >= 9 {
			return 0, false
		}
		if n < 6 {
			f = f*10 + int64(s[i]-'0')
		}
		n++
		i++
	}
	if n == 0 {
		return 0, false
	}
	for k := n; k < 6; k++ {
		f *= 10
	}
	st.us = f
	return i, true
}

// parseZone reads an optional zone at s[i:] that must end the text: Z,
// ±hh:mm, ±hhmm, ±hh, or a name of the abbreviation table, optionally after
// one space.
func parseZone(s []byte, i int, st *stamp) bool {
	if i == len(s) {
		return true
	}
	if s[i] == ' ' {
		i++
		if i == len(s) {
			return false
		}
	}
	c := s[i]
	if c == '+' || c == '-' {
		h, ok := digits(s, i+1, 2)
		if !ok {
			return false
		}
		m := 0
		j := i + 3
		switch {
		case j == len(s):
		case s[j] == ':' && j+3 == len(s):
			if m, ok = digits(s, j+1, 2); !ok {
				return false
			}
		case j+2 == len(s):
			if m, ok = digits(s, j, 2); !ok {
				return false
			}
		default:
			return false
		}
		if h > 23 || m > 59 {
			return false
		}
		off := h*3600 + m*60
		if c == '-' {
			off = -off
		}
		st.offset = off
		st.hasZone = true
		return true
	}
	off, ok := zoneAbbrev(s[i:])
	if !ok {
		return false
	}
	st.offset = off
	st.hasZone = true
	return true
}

func zoneAbbrev(z []byte) (int, bool) {
	if len(z) < 1 || len(z) > 4 {
		return 0, false
	}
	var k uint32
	for _, c := range z {
		if !isLetter(c) {
			return 0, false
		}
		k = k<<8 | uint32(c&^0x20)
	}
	const (
		z1   = 'Z'
		ut   = 'U'<<8 | 'T'
		utc  = 'U'<<16 | 'T'<<8 | 'C'
		gmt  = 'G'<<16 | 'M'<<8 | 'T'
		wet  = 'W'<<16 | 'E'<<8 | 'T'
		est  = 'E'<<16 | 'S'<<8 | 'T'
		edt  = 'E'<<16 | 'D'<<8 | 'T'
		cst  = 'C'<<16 | 'S'<<8 | 'T'
		cdt  = 'C'<<16 | 'D'<<8 | 'T'
		mst  = 'M'<<16 | 'S'<<8 | 'T'
		mdt  = 'M'<<16 | 'D'<<8 | 'T'
		pst  = 'P'<<16 | 'S'<<8 | 'T'
		pdt  = 'P'<<16 | 'D'<<8 | 'T'
		cet  = 'C'<<16 | 'E'<<8 | 'T'
		bst  = 'B'<<16 | 'S'<<8 | 'T'
		eet  = 'E'<<16 | 'E'<<8 | 'T'
		jst  = 'J'<<16 | 'S'<<8 | 'T'
		west = 'W'<<24 | 'E'<<16 | 'S'<<8 | 'T'
		cest = 'C'<<24 | 'E'<<16 | 'S'<<8 | 'T'
		eest = 'E'<<24 | 'E'<<16 | 'S'<<8 | 'T'
	)
	h := 0
	switch k {
	case z1, ut, utc, gmt, wet:
		h = 0
	case est:
		h = -5
	case edt:
		h = -4
	case cst:
		h = -6
	case cdt:
		h = -5
	case mst:
		h = -7
	case mdt:
		h = -6
	case pst:
		h = -8
	case pdt:
		h = -7
	case cet, west, bst:
		h = 1
	case cest, eet:
		h = 2
	case eest:
		h = 3
	case jst:
		h = 9
	default:
		return 0, false
	}
	return h * 3600, true
}

func monthIndex(m []byte) int {
	if len(m) != 3 {
		return 0
	}
	a, b, c := m[0]|0x20, m[1]|0x20, m[2]|0x20
	switch {
	case a == 'j' && b == 'a' && c == 'n':
		return 1
	case a == 'f' && b == 'e' && c == 'b':
		return 2
	case a == 'm' && b == 'a' && c == 'r':
		return 3
	case a == 'a' && b == 'p' && c == 'r':
		return 4
	case a == 'm' && b == 'a' && c == 'y':
		return 5
	case a == 'j' && b == 'u' && c == 'n':
		return 6
	case a == 'j' && b == 'u' && c == 'l':
		return 7
	case a == 'a' && b == 'u' && c == 'g':
		return 8
	case a == 's' && b == 'e' && c == 'p':
		return 9
	case a == 'o' && b == 'c' && c == 't':
		return 10
	case a == 'n' && b == 'o' && c == 'v':
		return 11
	case a == 'd' && b == 'e' && c == 'c':
		return 12
	}
	return 0
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(m, y int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns days since 1970-01-01 (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
