package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestResyncSkipsQuotedNewlines(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("time,level,message,host\n")
	for i := 0; i < 60; i++ {
		if i%3 == 0 {
			fmt.Fprintf(&sb, "2026-11-23T05:00:%02dZ,ERROR,\"failed:\nline a, with, commas\nline b\",web-%d\n", i, i)
		} else {
			fmt.Fprintf(&sb, "2026-11-23T05:00:%02dZ,INFO,\"ok \"\"%d\"\"\",web-%d\n", i, i, i)
		}
	}
	data := []byte(sb.String())
	// The true record starts, by a sequential parse.
	starts := map[int]bool{}
	p := NewProcessor().(*csvProcessor)
	p.delim = ','
	pos := strings.IndexByte(sb.String(), '\n') + 1
	for pos < len(data) {
		starts[pos] = true
		next, st := p.scan(data, pos, true)
		if st != scanOK {
			t.Fatalf("scan at %d: %d", pos, st)
		}
		pos = next
	}
	// From every byte: the first record start after it.
	for from := 30; from < len(data)-200; from++ {
		got := resyncCSV(data[from-1:])
		want := -1
		for q := from; q < len(data); q++ {
			if starts[q] {
				want = q - (from - 1)
				break
			}
		}
		if got != want {
			t.Fatalf("resync from byte %d (%q...) = %d, want %d", from, data[from:from+20], got, want)
		}
	}
}

func TestResyncSkipsBlankAndEmptyRows(t *testing.T) {
	data := []byte("x\n\n,,\na,b\nc,d\n")
	if got := resyncCSV(data); got != 6 {
		t.Fatalf("resync = %d, want 6 (the row a,b)", got)
	}
	if got := resyncCSV([]byte("no newline here")); got != -1 {
		t.Fatalf("resync without a newline = %d, want -1", got)
	}
}
