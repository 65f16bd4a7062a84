package main

// DetectRules states what Detect needs before it can score 50 or more, as
// data (ProcessorDetectRules): the first non-blank line holds a delimiter
// candidate (, ; TAB |) or a quote that may carry the record on. Both of
// Detect's paths need that: a PostgreSQL csvlog row has commas in its first
// line, and a table needs at least two fields in its first record. A head
// without it scores 0, so logmill routes it without starting this plugin's
// worker (a log whose first line has a comma still goes to Detect).
func (p *csvProcessor) DetectRules() []string {
	return []string{`pattern=^[\r\n]*[^\n]*[,;\t|"]`}
}
