package phone

import (
	"regexp"

	"github.com/nyaruka/phonenumbers"
)

// typeRules are a region's number descriptions, compiled once, in the
// order libphonenumber tries them: GetNumberType builds each pattern's
// text, looks it up in a locked cache and runs it twice (once for
// "possible", once for "matching") for every description it tries, which
// made it half of Canonical once parsing was cheap.
type typeRules struct {
	general            numberDesc
	special            []specialDesc // premium rate, toll free, ... voicemail
	fixedLine          numberDesc
	mobile             numberDesc
	sameFixedAndMobile bool
}

// specialDesc is a description that decides the type on its own.
type specialDesc struct {
	desc numberDesc
	typ  phonenumbers.PhoneNumberType
}

// numberDesc is one compiled description: the national number lengths it
// allows (any, when empty) and its pattern, anchored at both ends.
type numberDesc struct {
	lengths []int32
	pattern *regexp.Regexp // nil: no such numbers
}

// newTypeRules compiles md's descriptions; false if a pattern does not
// compile (libphonenumber compiles the same ones, so it does not happen).
func newTypeRules(md *phonenumbers.PhoneMetadata) (typeRules, bool) {
	ok := true
	desc := func(d *phonenumbers.PhoneNumberDesc) numberDesc {
		if d == nil {
			return numberDesc{}
		}
		re, err := regexp.Compile("^(?:" + d.GetNationalNumberPattern() + ")$")
		if err != nil {
			ok = false
		}
		return numberDesc{lengths: d.PossibleLength, pattern: re}
	}
	t := typeRules{
		general: desc(md.GetGeneralDesc()),
		special: []specialDesc{
			{desc(md.GetPremiumRate()), phonenumbers.PREMIUM_RATE},
			{desc(md.GetTollFree()), phonenumbers.TOLL_FREE},
			{desc(md.GetSharedCost()), phonenumbers.SHARED_COST},
			{desc(md.GetVoip()), phonenumbers.VOIP},
			{desc(md.GetPersonalNumber()), phonenumbers.PERSONAL_NUMBER},
			{desc(md.GetPager()), phonenumbers.PAGER},
			{desc(md.GetUan()), phonenumbers.UAN},
			{desc(md.GetVoicemail()), phonenumbers.VOICEMAIL},
		},
		fixedLine:          desc(md.GetFixedLine()),
		mobile:             desc(md.GetMobile()),
		sameFixedAndMobile: md.GetSameMobileAndFixedLinePattern(),
	}
	return t, ok
}

// matches is libphonenumber's isNumberMatchingDesc: a possible length,
// then the pattern.
func (d numberDesc) matches(nsn string) bool {
	if d.pattern == nil {
		return false
	}
	if len(d.lengths) > 0 {
		n := int32(len(nsn))
		found := false
		for _, l := range d.lengths {
			if l == n {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return d.pattern.MatchString(nsn)
}

// typeOf is libphonenumber's getNumberTypeHelper for a national
// significant number of the region.
func (t *typeRules) typeOf(nsn string) phonenumbers.PhoneNumberType {
	if !t.general.matches(nsn) {
		return phonenumbers.UNKNOWN
	}
	for _, s := range t.special {
		if s.desc.matches(nsn) {
			return s.typ
		}
	}
	if t.fixedLine.matches(nsn) {
		if t.sameFixedAndMobile || t.mobile.matches(nsn) {
			return phonenumbers.FIXED_LINE_OR_MOBILE
		}
		return phonenumbers.FIXED_LINE
	}
	if !t.sameFixedAndMobile && t.mobile.matches(nsn) {
		return phonenumbers.MOBILE
	}
	return phonenumbers.UNKNOWN
}

// numberType is phonenumbers.GetNumberType, with the region's compiled
// descriptions.
func (p *digitParser) numberType(num *phonenumbers.PhoneNumber) phonenumbers.PhoneNumberType {
	cc := int(num.GetCountryCode())
	rules := p.regionRules(phonenumbers.GetRegionCodeForNumber(num), cc)
	if rules == nil {
		return phonenumbers.GetNumberType(num)
	}
	return rules.types.typeOf(nationalSignificant(num))
}
