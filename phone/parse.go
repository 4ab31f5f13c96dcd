package phone

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// digitParser parses what the scanner hands on, an optional '+' and ASCII
// digits, into the PhoneNumber that phonenumbers.ParseToNumber makes of the
// same string, field for field and with the same errors (TestDigitParser
// and FuzzDigitParser compare the two). ParseToNumber is written for any
// text a person may type: it searches for an extension, a second number
// and punctuation with general regular expressions, which cost more than
// half of its time and can match nothing in plain digits. This runs only
// its steps that can: the international prefix, the country code, the
// national prefix and the length checks, with the same metadata and the
// same region patterns. Measured: see BenchmarkCanonical.
type digitParser struct {
	// territories holds the metadata of every geographic region, by region
	// code, and nonGeo that of the non-geographic country codes (800, 882,
	// ...). Both are read-only after newDigitParser.
	territories map[string]*phonenumbers.PhoneMetadata
	nonGeo      map[int]*phonenumbers.PhoneMetadata
	// rules holds each region's compiled patterns once a number needed
	// them: *regionRules by region code, or by country code for
	// non-geographic ones. All 245 regions together hold about 10 MB; a
	// register sees a few.
	rules sync.Map
}

// regionRules are the patterns and lengths of one region that parsing
// uses, compiled once.
type regionRules struct {
	countryCode int
	ccDigits    string
	// idd finds the international prefix; like libphonenumber, it is not
	// anchored, and only a match at the start counts.
	idd *regexp.Regexp
	// nationalPrefix matches a national prefix (and carrier code) at the
	// start; nil when the region has none.
	nationalPrefix *regexp.Regexp
	transform      string
	// nationalNumber is the general pattern every national number of the
	// region matches.
	nationalNumber *regexp.Regexp
	lengths        []int32
	localLengths   []int32
	// types tell the number's type (number_type.go).
	types typeRules
}

// newDigitParser indexes libphonenumber's metadata. The library has read
// it once already, when it was loaded, so this fails only if that changes.
func newDigitParser() (*digitParser, error) {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil, err
	}
	p := &digitParser{territories: map[string]*phonenumbers.PhoneMetadata{}, nonGeo: map[int]*phonenumbers.PhoneMetadata{}}
	for _, md := range coll.GetMetadata() {
		if md.GetId() == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
			p.nonGeo[int(md.GetCountryCode())] = md
		} else {
			p.territories[md.GetId()] = md
		}
	}
	return p, nil
}

// parse fills num from in for the default region, as ParseToNumber would.
// Input other than an optional '+' and digits goes to ParseToNumber.
func (p *digitParser) parse(in, region string, num *phonenumbers.PhoneNumber) error {
	def := p.regionRules(region, 0)
	digits, plus := strings.CutPrefix(in, "+")
	if def == nil || !isDigits(digits) || len(in) > phonenumbers.MAX_INPUT_STRING_LENGTH {
		return phonenumbers.ParseToNumber(in, region, num)
	}
	// libphonenumber's "viable number": two digits, or three after a '+'.
	if len(in) < 2 || plus && len(digits) < 3 {
		return phonenumbers.ErrNotANumber
	}
	var cc int
	var national string
	var err error
	if plus {
		cc, national, err = p.afterPlus(digits)
		if err == phonenumbers.ErrInvalidCountryCode {
			// libphonenumber then reads the digits as if there were no '+'.
			cc, national, err = p.withoutPlus(digits, def)
			if err == nil && cc == 0 {
				err = phonenumbers.ErrInvalidCountryCode
			}
		}
	} else {
		cc, national, err = p.withoutPlus(digits, def)
	}
	if err != nil {
		return err
	}
	rules := def
	if cc == 0 {
		cc, national = def.countryCode, digits
	} else if r := phonenumbers.GetRegionCodeForCountryCode(cc); r != region {
		if rules = p.regionRules(r, cc); rules == nil {
			return phonenumbers.ParseToNumber(in, region, num)
		}
	}
	if len(national) < phonenumbers.MIN_LENGTH_FOR_NSN {
		return phonenumbers.ErrTooShortNSN
	}
	// The national prefix is dropped only if what remains has a length the
	// region's numbers can have.
	stripped := rules.stripNationalPrefix(national)
	switch rules.testLength(stripped) {
	case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY, phonenumbers.INVALID_LENGTH:
	default:
		national = stripped
	}
	if len(national) < phonenumbers.MIN_LENGTH_FOR_NSN {
		return phonenumbers.ErrTooShortNSN
	}
	if len(national) > phonenumbers.MAX_LENGTH_FOR_NSN {
		return phonenumbers.ErrNumTooLong
	}
	cc32 := int32(cc)
	num.CountryCode = &cc32
	if len(national) >= 2 && national[0] == '0' {
		// Italian numbers, among others, keep their leading zeros.
		yes := true
		num.ItalianLeadingZero = &yes
		zeros := 1
		for zeros < len(national)-1 && national[zeros] == '0' {
			zeros++
		}
		if zeros != 1 {
			z := int32(zeros)
			num.NumberOfLeadingZeros = &z
		}
	}
	nn, _ := strconv.ParseUint(national, 10, 64)
	num.NationalNumber = &nn
	return nil
}

// afterPlus reads the country code after a '+' or an international prefix.
func (p *digitParser) afterPlus(digits string) (int, string, error) {
	if len(digits) <= phonenumbers.MIN_LENGTH_FOR_NSN {
		return 0, "", phonenumbers.ErrTooShortAfterIDD
	}
	cc, national := countryCode(digits)
	if cc == 0 {
		return 0, "", phonenumbers.ErrInvalidCountryCode
	}
	return cc, national, nil
}

// withoutPlus looks for a country code in digits written without '+':
// after the region's international prefix, or the region's own country
// code where the number only makes sense without it. It returns 0 when
// the number is national.
func (p *digitParser) withoutPlus(digits string, def *regionRules) (int, string, error) {
	if loc := def.idd.FindStringIndex(digits); loc != nil && loc[0] == 0 {
		rest := digits[loc[1]:]
		// A country code never starts with 0, so then it was no prefix.
		if rest == "" || rest[0] != '0' {
			return p.afterPlus(rest)
		}
	}
	if strings.HasPrefix(digits, def.ccDigits) {
		national := def.stripNationalPrefix(digits[len(def.ccDigits):])
		fullValid := def.nationalNumber.MatchString(digits)
		nationalValid := def.nationalNumber.MatchString(national)
		if !fullValid && nationalValid || def.testLength(digits) == phonenumbers.TOO_LONG {
			return def.countryCode, national, nil
		}
	}
	return 0, "", nil
}

// countryCode splits the first one to three digits off as a country code,
// the shortest that is one; 0 when none is.
func countryCode(digits string) (int, string) {
	if digits == "" || digits[0] == '0' {
		return 0, ""
	}
	for i := 1; i <= phonenumbers.MAX_LENGTH_COUNTRY_CODE && i <= len(digits); i++ {
		cc, _ := strconv.Atoi(digits[:i])
		if phonenumbers.GetRegionCodesForCountryCode(cc) != nil {
			return cc, digits[i:]
		}
	}
	return 0, ""
}

// regionRules returns the compiled rules of a region (cc for the
// non-geographic region), nil if libphonenumber has no metadata for it.
func (p *digitParser) regionRules(region string, cc int) *regionRules {
	key := any(region)
	if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
		key = cc
	}
	if r, ok := p.rules.Load(key); ok {
		return r.(*regionRules)
	}
	md := p.territories[region]
	if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
		md = p.nonGeo[cc]
	}
	if md == nil {
		return nil
	}
	gd := md.GetGeneralDesc()
	r := &regionRules{
		countryCode:  int(md.GetCountryCode()),
		ccDigits:     strconv.Itoa(int(md.GetCountryCode())),
		transform:    md.GetNationalPrefixTransformRule(),
		lengths:      gd.GetPossibleLength(),
		localLengths: gd.GetPossibleLengthLocalOnly(),
	}
	var errs [3]error
	r.idd, errs[0] = regexp.Compile(md.GetInternationalPrefix())
	r.nationalNumber, errs[1] = regexp.Compile("^(?:" + gd.GetNationalNumberPattern() + ")$")
	if np := md.GetNationalPrefixForParsing(); np != "" {
		r.nationalPrefix, errs[2] = regexp.Compile("^(?:" + np + ")")
	}
	types, ok := newTypeRules(md)
	r.types = types
	if !ok || errs != [3]error{} {
		// libphonenumber compiles the same patterns, so this does not
		// happen; if it did, ParseToNumber would still do.
		return nil
	}
	actual, _ := p.rules.LoadOrStore(key, r)
	return actual.(*regionRules)
}

// stripNationalPrefix removes a national prefix (applying the region's
// transform rule, if any) unless that would turn a number matching the
// region's pattern into one that doesn't.
func (r *regionRules) stripNationalPrefix(number string) string {
	if number == "" || r.nationalPrefix == nil || !r.nationalPrefix.MatchString(number) {
		return number
	}
	viable := r.nationalNumber.MatchString(number)
	groups := r.nationalPrefix.FindStringSubmatchIndex(number)
	last := len(groups)/2 - 1
	if r.transform == "" || groups[last*2] < 0 {
		if viable && !r.nationalNumber.MatchString(number[groups[1]:]) {
			return number
		}
		return number[groups[1]:]
	}
	transformed := r.nationalPrefix.ReplaceAllString(number, r.transform)
	if viable && !r.nationalNumber.MatchString(transformed) {
		return number
	}
	return transformed
}

// testLength is libphonenumber's length check against the region's
// general description.
func (r *regionRules) testLength(number string) phonenumbers.ValidationResult {
	if len(r.lengths) == 0 || r.lengths[0] == -1 {
		return phonenumbers.INVALID_LENGTH
	}
	n := int32(len(number))
	for _, l := range r.localLengths {
		if l == n {
			return phonenumbers.IS_POSSIBLE_LOCAL_ONLY
		}
	}
	switch {
	case r.lengths[0] == n:
		return phonenumbers.IS_POSSIBLE
	case r.lengths[0] > n:
		return phonenumbers.TOO_SHORT
	case r.lengths[len(r.lengths)-1] < n:
		return phonenumbers.TOO_LONG
	}
	for _, l := range r.lengths[1:] {
		if l == n {
			return phonenumbers.IS_POSSIBLE
		}
	}
	return phonenumbers.INVALID_LENGTH
}

// e164 is phonenumbers.Format(num, phonenumbers.E164) for a parsed number
// (one without raw input), in one allocation rather than five builders.
func e164(num *phonenumbers.PhoneNumber) string {
	var buf [1 + 11 + phonenumbers.MAX_LENGTH_FOR_NSN + 20]byte
	out := append(buf[:0], '+')
	out = strconv.AppendInt(out, int64(num.GetCountryCode()), 10)
	return string(appendNationalSignificant(out, num))
}

// nationalSignificant is phonenumbers.GetNationalSignificantNumber.
func nationalSignificant(num *phonenumbers.PhoneNumber) string {
	var buf [phonenumbers.MAX_LENGTH_FOR_NSN + 20]byte
	return string(appendNationalSignificant(buf[:0], num))
}

// appendNationalSignificant appends the national significant number: its
// leading zeros (at most libphonenumber's 17), then the national number.
func appendNationalSignificant(dst []byte, num *phonenumbers.PhoneNumber) []byte {
	if num.GetItalianLeadingZero() && num.GetNumberOfLeadingZeros() > 0 {
		for range min(int(num.GetNumberOfLeadingZeros()), phonenumbers.MAX_LENGTH_FOR_NSN) {
			dst = append(dst, '0')
		}
	}
	return strconv.AppendUint(dst, num.GetNationalNumber(), 10)
}
