package phone

import (
	"regexp/syntax"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// minPrefixDigits is the shortest direct-dial prefix accepted after the
// country code: anything shorter would claim a whole area or operator.
const minPrefixDigits = 4

// callingCode is what NormalisePrefix needs to know about a country calling
// code.
type callingCode struct {
	// ndd is the national (trunk) prefix of the code's main region, e.g. "0".
	ndd string
	// maxNSN is the longest national significant number under the code.
	maxNSN int
	// zeroIsTrunk is set when the trunk prefix is "0" and no national
	// significant number under the code starts with 0, so a "0" written
	// after the country code ("+31 020 ...") can only be a stray trunk
	// prefix. Not so in e.g. Japan or Indonesia.
	zeroIsTrunk bool
}

// callingCodes is derived once from the libphonenumber metadata and never
// modified afterwards.
var callingCodes = sync.OnceValue(func() map[int]callingCode {
	m := make(map[int]callingCode)
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return m
	}
	leadingZero := map[int]bool{}
	for _, md := range coll.GetMetadata() {
		cc := int(md.GetCountryCode())
		info := m[cc]
		info.maxNSN = max(info.maxNSN, maxLength(md.GetGeneralDesc().GetPossibleLength()))
		if md.GetMainCountryForCode() || phonenumbers.GetRegionCodeForCountryCode(cc) == md.GetId() {
			info.ndd = md.GetNationalPrefix()
		}
		m[cc] = info
		if patternMayStartWith(md.GetGeneralDesc().GetNationalNumberPattern(), '0') {
			leadingZero[cc] = true
		}
	}
	for cc, info := range m {
		info.zeroIsTrunk = info.ndd == "0" && !leadingZero[cc]
		m[cc] = info
	}
	return m
})

// patternMayStartWith reports whether a string matched by the regular
// expression pattern can start with c. It errs on the side of true, and is
// only used once, when callingCodes is built.
func patternMayStartWith(pattern string, c rune) bool {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return true
	}
	may, _ := firstMay(re.Simplify(), c)
	return may
}

// firstMay reports whether re can match a string whose first rune is c, and
// whether re can match the empty string (so what follows it counts too).
func firstMay(re *syntax.Regexp, c rune) (may, empty bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return false, true
		}
		return re.Rune[0] == c, false
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= c && c <= re.Rune[i+1] {
				return true, false
			}
		}
		return false, false
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return false, true
	case syntax.OpCapture:
		return firstMay(re.Sub[0], c)
	case syntax.OpStar, syntax.OpQuest:
		may, _ := firstMay(re.Sub[0], c)
		return may, true
	case syntax.OpPlus:
		return firstMay(re.Sub[0], c)
	case syntax.OpRepeat:
		may, empty := firstMay(re.Sub[0], c)
		return may, empty || re.Min == 0
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			m, e := firstMay(sub, c)
			may = may || m
			if !e {
				return may, false
			}
		}
		return may, true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			m, e := firstMay(sub, c)
			may, empty = may || m, empty || e
		}
		return may, empty
	}
	return true, true // OpAnyChar and anything unforeseen
}

// NormalisePrefix turns the prefix of a direct-dial (DDI) number block as a
// person writes it ("020 555 12", "+31 20 55512", "0031 20 555") into an
// E.164 prefix ("+312055512"), so blocks can be matched against E164 values
// with a plain string prefix test.
//
// A nationally written prefix loses its trunk prefix and gets the default
// region's country code; "(0)" after a country code is dropped. It fails
// with an *Error when the text is not digits, has fewer than 4 digits after
// the country code, or is longer than any number under that country code.
func (n *Normaliser) NormalisePrefix(raw string) (string, error) {
	if len(raw) > maxInputBytes {
		return "", newError(raw, ReasonTooLong, "longer than "+strconv.Itoa(maxInputBytes)+" bytes")
	}
	s := trimSpace(raw)
	var sc scanner
	if r, detail := sc.run(s, n.idd); r != "" {
		return "", newError(s, r, detail)
	}
	if sc.ext != "" {
		return "", newError(s, ReasonLetters, "a number prefix cannot have an extension")
	}
	if sc.n == 0 {
		return "", newError(s, ReasonTooShort, "contains no digits")
	}
	codes := callingCodes()
	d := sc.digits[:sc.n]
	cc := n.countryCode
	var national []byte
	intl := true
	switch {
	case sc.plus:
	case hasDigitPrefix(d, n.idd):
		d = d[len(n.idd):]
	case hasDigitPrefix(d, "00"):
		d = d[2:]
	default:
		intl = false
		if ndd := codes[cc].ndd; ndd != "" && hasDigitPrefix(d, ndd) {
			d = d[len(ndd):]
		}
		national = d
	}
	if intl {
		cc = 0
		for l := 1; l <= 3 && l < len(d); l++ {
			// Country calling codes are prefix-free, so the first match is
			// the only one.
			v, _ := strconv.Atoi(string(d[:l]))
			if _, ok := codes[v]; ok {
				cc = v
				national = d[l:]
				break
			}
		}
		if cc == 0 {
			if len(d) <= 3 {
				return "", newError(s, ReasonTooShort, "no digits after the country code")
			}
			return "", newError(s, ReasonCountryCode, "unknown country calling code")
		}
		// "+31 020 ..." : people keep the trunk 0 after the country code.
		// Only stripped where it cannot be the start of a real number.
		if codes[cc].zeroIsTrunk && len(national) > 0 && national[0] == '0' {
			national = national[1:]
		}
	}
	if len(national) < minPrefixDigits {
		return "", newError(s, ReasonTooShort, "fewer than "+strconv.Itoa(minPrefixDigits)+" digits after the country code")
	}
	ccs := strconv.Itoa(cc)
	maxNSN := codes[cc].maxNSN
	if maxNSN == 0 {
		maxNSN = 15 - len(ccs) // no length metadata: E.164's limit
	}
	if len(national) > maxNSN || len(ccs)+len(national) > 15 {
		return "", newError(s, ReasonTooLong, "longer than any number under +"+ccs)
	}
	return "+" + ccs + string(national), nil
}
