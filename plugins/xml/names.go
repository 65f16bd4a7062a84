package main

import "strings"

// fieldClass says what a field key means for time, severity and message.
type fieldClass uint8

const (
	clsNone      fieldClass = iota
	clsDate                 // date, time, timestamp, @timestamp, datetime (rank = position)
	clsMillis               // timeMillis, millis: epoch milliseconds
	clsNanos                // nanos: java.util.logging's nanoseconds within the millisecond
	clsEpochSec             // Instant.@epochSecond (log4j2 XmlLayout)
	clsNanoOfSec            // Instant.@nanoOfSecond
	clsLevel                // level, severity, priority
	clsMsg                  // message, msg, text
)

// nameInfo is an interned field key with its class. gen/idx remember where
// the key sits in the fields of the record being scanned (gen == the
// record's generation), so repeated keys are found without a search.
type nameInfo struct {
	key  string
	cls  fieldClass
	rank uint8
	gen  int64
	idx  int
	next *nameInfo // the key that followed this one last time (see internSeq)
}

const maxInterned = 8192

type nameTable struct {
	m   map[string]*nameInfo
	gen int64
}

func (t *nameTable) init() { t.m = make(map[string]*nameInfo, 64) }

// intern returns the entry for b; the lookup does not allocate once b is known.
func (t *nameTable) intern(b []byte) *nameInfo {
	if ni, ok := t.m[string(b)]; ok {
		return ni
	}
	s := string(b)
	cls, rank := classify(s)
	ni := &nameInfo{key: s, cls: cls, rank: rank}
	if len(t.m) < maxInterned {
		t.m[s] = ni
	} else {
		ni.gen = -1 // not remembered: addField searches linearly
	}
	return ni
}

func classify(key string) (fieldClass, uint8) {
	k := strings.ToLower(key)
	for i, s := range []string{"date", "time", "timestamp", "@timestamp", "datetime"} {
		if k == s {
			return clsDate, uint8(i)
		}
	}
	switch k {
	case "timemillis", "millis":
		return clsMillis, 0
	case "nanos":
		return clsNanos, 0
	case "instant.@epochsecond":
		return clsEpochSec, 0
	case "instant.@nanoofsecond":
		return clsNanoOfSec, 0
	}
	for i, s := range []string{"level", "severity", "priority"} {
		if k == s {
			return clsLevel, uint8(i)
		}
	}
	for i, s := range []string{"message", "msg", "text"} {
		if k == s {
			return clsMsg, uint8(i)
		}
	}
	return clsNone, 0
}

// isRecordName reports whether a top-level element with this local name
// starts a root-less stream of records (log4j:event, log4j2 <Event>, ...).
func isRecordName(local []byte) bool {
	switch len(local) {
	case 5, 6, 8:
	default:
		return false
	}
	var buf [8]byte
	for i, c := range local {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(local)]) {
	case "event", "record", "entry", "logevent":
		return true
	}
	return false
}
