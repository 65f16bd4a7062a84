package main

// DetectRules states detectXML's first test as data (ProcessorDetectRules):
// a head that, after a UTF-8 BOM and XML white space, does not start with
// '<' scores 0, so logmill routes it without starting this plugin's worker.
func (x *xmlProcessor) DetectRules() []string {
	return []string{`pattern=^(\xEF\xBB\xBF)?[ \t\r\n]*<`}
}
