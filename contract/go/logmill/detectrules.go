package logmill

import (
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// NoDetectRule is the detect rule that says no head is this format: files
// reach the plugin only by its extensions or --format. The SDK declares it
// for a processor without Detect (ProcessorDetect is always exported).
const NoDetectRule = "none"

// MatchDetectRules says whether head matches at least one of rules, read as
// logmill reads them (ProcessorDetectRules in contract/logmill.h): "magic=HEX"
// is a prefix of the head, "pattern=REGEX" is searched in the head taken as
// Latin-1 (each byte one character). With no rules every head matches;
// "none" (alone) matches no head. For a plugin's tests: every head its Detect
// scores 50 or more must match.
func MatchDetectRules(rules []string, head []byte) (bool, error) {
	if len(rules) == 0 {
		return true, nil
	}
	if len(rules) == 1 && rules[0] == NoDetectRule {
		return false, nil
	}
	var latin1 string
	for _, rule := range rules {
		kind, value, ok := strings.Cut(rule, "=")
		switch {
		case ok && kind == "magic":
			magic, err := hex.DecodeString(value)
			if err != nil || len(magic) == 0 {
				return false, fmt.Errorf("detect rule %q: expected hex digits", rule)
			}
			if len(head) >= len(magic) && string(head[:len(magic)]) == string(magic) {
				return true, nil
			}
		case ok && kind == "pattern":
			re, err := regexp.Compile(value)
			if err != nil {
				return false, fmt.Errorf("detect rule %q: %v", rule, err)
			}
			if latin1 == "" {
				runes := make([]rune, len(head))
				for i, b := range head {
					runes[i] = rune(b)
				}
				latin1 = string(runes)
			}
			if re.MatchString(latin1) {
				return true, nil
			}
		default:
			return false, fmt.Errorf("detect rule %q: expected magic=HEX, pattern=REGEX or none alone", rule)
		}
	}
	return false, nil
}
