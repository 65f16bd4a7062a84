package main

import (
	"bytes"

	_ "github.com/logmill/logmill/contract/go/logmill/resync" // exports ProcessorResync
)

// Splitting a CSV file across cores (ProcessorResync in contract/logmill.h),
// safe with quoted fields that hold newlines, as DuckDB's parallel reader is:
// a newline is a record boundary only if the rows after it parse as a table.
// From each newline in turn, the next resyncRecords complete rows (or all
// the complete rows in data) must parse by RFC 4180 (a quoted field ends at
// a lone quote followed by the delimiter or the line end) with one field
// count of at least 2 for one of the delimiters , ; TAB |. A newline inside
// a quoted field fails that almost always: the rest of the field reads as an
// unquoted row whose closing quote is not followed by a delimiter or whose
// field count differs. Blank and all-empty rows are skipped (the parser
// skips them too, so a range never starts on one). logmill checks every
// boundary against the record the range before found there and fails the
// input loudly if they differ, so a wrong guess never changes an answer.
// The header (and what the first rows decide: delimiter, roles) reaches
// every range because logmill parses the file's first bytes with the
// range's processor first.

const resyncRecords = 16

var resyncDelims = [...]byte{',', ';', '\t', '|'}

// Resync is logmill.Resyncer: it reads no parse state.
func (p *csvProcessor) Resync(data []byte) int { return resyncCSV(data) }

// resyncCSV returns the index (>= 1) in data of the first record that starts
// after data[0], or -1 if none is found in data.
func resyncCSV(data []byte) int {
	for n := bytes.IndexByte(data, '\n'); n >= 0 && n+1 < len(data); {
		s := n + 1
		if tableFrom(data[s:]) {
			return s
		}
		next := bytes.IndexByte(data[s:], '\n')
		if next < 0 {
			break
		}
		n = s + next
	}
	return -1
}

// tableFrom says whether b starts with a non-empty row and its complete rows
// parse as a table for one delimiter.
func tableFrom(b []byte) bool {
	for _, d := range resyncDelims {
		if rowsAgree(b, d) {
			return true
		}
	}
	return false
}

func rowsAgree(b []byte, d byte) bool {
	want, rows := -1, 0
	for pos := 0; rows < resyncRecords && pos < len(b); {
		fields, empty, next, ok := strictRow(b, pos, d)
		if next < 0 {
			break // incomplete: the end of data
		}
		if !ok {
			return false
		}
		if empty {
			if rows == 0 {
				return false // the parser skips this row: a range must not start on it
			}
			pos = next
			continue
		}
		if want < 0 {
			want = fields
		} else if fields != want {
			return false
		}
		rows++
		pos = next
	}
	return rows > 0 && want >= 2
}

// strictRow reads the row at b[pos:]: its field count, whether every field
// is empty, the index after its line end (-1 if the row does not end in b),
// and whether it follows RFC 4180 quoting.
func strictRow(b []byte, pos int, d byte) (fields int, empty bool, next int, ok bool) {
	fields, empty = 1, true
	i := pos
	for i < len(b) {
		if b[i] == '"' {
			// quoted field: "" is a quote; the closing quote must end the field
			j := i + 1
			for {
				k := bytes.IndexByte(b[j:], '"')
				if k < 0 {
					return 0, false, -1, false
				}
				j += k + 1
				if j < len(b) && b[j] == '"' {
					j++
					continue
				}
				break
			}
			if j > i+2 {
				empty = false
			}
			switch {
			case j == len(b):
				return 0, false, -1, false
			case b[j] == d:
				fields++
				i = j + 1
				continue
			case b[j] == '\n':
				return fields, empty, j + 1, true
			case b[j] == '\r' && j+1 < len(b) && b[j+1] == '\n':
				return fields, empty, j + 2, true
			case b[j] == '\r':
				return 0, false, -1, false
			default:
				return fields, empty, len(b), false
			}
		}
		// unquoted field: up to the delimiter or the line end
		for i < len(b) && b[i] != d && b[i] != '\n' {
			if b[i] != '\r' {
				empty = false
			}
			i++
		}
		if i == len(b) {
			return 0, false, -1, false
		}
		if b[i] == d {
			fields++
			i++
			continue
		}
		return fields, empty, i + 1, true
	}
	return 0, false, -1, false
}
