// Package phone turns the telephone numbers that PBXs, SIP trunks and people
// send into one canonical form (E.164), so that callers can be recognised
// regardless of how their number was written.
//
// Parsing, validation and formatting are delegated to
// github.com/nyaruka/phonenumbers (a port of Google's libphonenumber); this
// package adds a cheap hand-written cleanup pass in front of it for the things
// telephony systems send that libphonenumber does not expect: SIP and tel
// URIs, display names, withheld-number markers, short internal extensions and
// country codes without a '+'.
package phone

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Kind is the kind of a number (mobile, fixed line, ...), so callers can for
// instance prefer a mobile number when several are known for one contact.
type Kind string

// Kinds of number. They are a coarser view of phonenumbers.PhoneNumberType
// that is stable for storage and APIs.
const (
	KindMobile     Kind = "mobile"
	KindFixedLine  Kind = "fixed_line"
	KindTollFree   Kind = "toll_free"
	KindPremium    Kind = "premium"
	KindVoIP       Kind = "voip"
	KindSharedCost Kind = "shared_cost"
	// KindUnknown covers withheld and internal numbers and numbers whose
	// type the numbering plan does not tell (pager, UAN, voicemail).
	KindUnknown Kind = "unknown"
)

// Number is a normalised telephone number. Exactly one of three shapes:
// a public number (E164 set), a withheld caller (Withheld), or a short
// internal extension (Internal).
type Number struct {
	// Raw is the input as given, with surrounding whitespace trimmed; kept
	// so callers can show or log what the PBX actually sent.
	Raw string
	// E164 is the canonical form, e.g. "+31612345678"; it is the key to
	// match callers on. Empty when Withheld or Internal. It is written as
	// libphonenumber writes E.164, which for a few national numbers it
	// accepts (German ones) runs to 16 digits, one more than E.164 allows.
	E164 string
	// National is the national format for display, e.g. "06 12345678" or
	// "020 555 1234"; for an internal number, its digits ("201").
	National string
	// Kind is the kind of number; KindUnknown for withheld and internal.
	Kind Kind
	// Region is the ISO 3166 alpha-2 code of the number's country, e.g.
	// "NL"; "" when unknown or not geographic (e.g. +800 numbers).
	Region string
	// Extension holds the digits of an extension such as "x12" or
	// ";ext=12"; it is not part of E164.
	Extension string
	// Withheld is set when the caller hid their number (empty caller ID,
	// "anonymous", sip:anonymous@anonymous.invalid, ...).
	Withheld bool
	// Internal is set for a short internal extension such as "201".
	Internal bool
}

// Config configures a Normaliser. Zero values mean defaults, so Config{} is
// the usual Dutch setup.
type Config struct {
	// DefaultRegion is the ISO 3166 alpha-2 region that nationally written
	// numbers ("020 555 1234") belong to. Default "NL".
	DefaultRegion string
	// InternalMinDigits and InternalMaxDigits bound the length of a
	// digits-only input that is taken as an internal extension rather than
	// a public number. Defaults 2 and 5.
	InternalMinDigits, InternalMaxDigits int
	// CacheSize is how many recent inputs are remembered with their
	// numbers; 0 means DefaultCacheSize, a negative number none.
	CacheSize int
}

const (
	defaultRegion      = "NL"
	defaultInternalMin = 2
	defaultInternalMax = 5
	// maxInternalDigits keeps a misconfiguration from swallowing every
	// national number as "internal".
	maxInternalDigits = 15

	// maxInputBytes bounds the work done on hostile input: no real number,
	// URI or display-name form comes close.
	maxInputBytes = 256
	// maxDigits is E.164's 15 digits plus the longest international
	// prefix we expect in front of them ("011"); anything longer cannot be
	// a number and is rejected before libphonenumber sees it.
	maxDigits = 18
	// maxExtDigits bounds an extension; PBX extensions are short.
	maxExtDigits = 15
)

// Normaliser normalises numbers for one default region. Its settings are
// fixed at New and it is safe for concurrent use; create one per region and
// share it.
type Normaliser struct {
	region      string
	countryCode int
	// idd is the region's international prefix as literal digits ("00",
	// "011"), used to recognise "(0)" after a country code.
	idd string
	// nationalLen is the length of a typical national significant number in
	// the region; a digit string longer than this that is not valid
	// nationally may be an international number without its '+'.
	nationalLen int
	internalMin int
	internalMax int
	cache       *numberCache // nil when off
	// digits parses the cleaned digits and holds the region metadata.
	digits *digitParser
}

// New returns a Normaliser for cfg. It fails when the region is unknown to
// libphonenumber or the internal-extension digit range is inconsistent,
// because either would silently misclassify every call.
func New(cfg Config) (*Normaliser, error) {
	region := strings.ToUpper(strings.TrimSpace(cfg.DefaultRegion))
	if region == "" {
		region = defaultRegion
	}
	if !phonenumbers.GetSupportedRegions()[region] {
		return nil, fmt.Errorf("phone: unknown default region %q", cfg.DefaultRegion)
	}
	lo, hi := cfg.InternalMinDigits, cfg.InternalMaxDigits
	if lo == 0 {
		lo = defaultInternalMin
	}
	if hi == 0 {
		hi = defaultInternalMax
	}
	if lo < 1 || hi < lo || hi > maxInternalDigits {
		return nil, fmt.Errorf("phone: invalid internal extension length range [%d, %d]: want 1 <= min <= max <= %d", lo, hi, maxInternalDigits)
	}
	n := &Normaliser{
		region:      region,
		countryCode: phonenumbers.GetCountryCodeForRegion(region),
		idd:         "00",
		internalMin: lo,
		internalMax: hi,
	}
	var err error
	if n.digits, err = newDigitParser(); err != nil {
		return nil, fmt.Errorf("phone: reading libphonenumber's metadata: %w", err)
	}
	switch size := cfg.CacheSize; {
	case size == 0:
		n.cache = newNumberCache(DefaultCacheSize)
	case size > 0:
		n.cache = newNumberCache(size)
	}
	if md := n.digits.territories[region]; md != nil {
		if p := md.GetInternationalPrefix(); isDigits(p) {
			n.idd = p
		} else if p := md.GetPreferredInternationalPrefix(); isDigits(p) {
			n.idd = p
		}
		n.nationalLen = maxLength(md.GetGeneralDesc().GetPossibleLength())
	}
	if ex := phonenumbers.GetExampleNumber(region); ex != nil {
		n.nationalLen = len(phonenumbers.GetNationalSignificantNumber(ex))
	}
	return n, nil
}

// DefaultRegion returns the region nationally written numbers are taken to
// belong to, e.g. "NL".
func (n *Normaliser) DefaultRegion() string { return n.region }

// defaultNormaliser is built on first use rather than at init so that
// importing the package costs nothing; it is immutable once built.
var defaultNormaliser = sync.OnceValue(func() *Normaliser {
	n, err := New(Config{})
	if err != nil {
		panic("phone: default normaliser: " + err.Error()) // NL is always in the metadata
	}
	return n
})

// Normalise normalises raw with a shared Normaliser for region NL and the
// default internal extension lengths. See (*Normaliser).Normalise.
func Normalise(raw string) (Number, error) {
	return defaultNormaliser().Normalise(raw)
}

// Normalise turns raw into a Number. It accepts what PBXs and people send:
// national and international formats with any common separators, "(0)" after
// a country code, "00" and bare country codes, SIP/SIPS/tel URIs with or
// without a display name, and extensions ("x12", "ext. 12", ";ext=12").
//
// Empty input and withheld markers ("anonymous", sip:anonymous@anonymous.invalid,
// ...) give a Number with Withheld set and a nil error, because a withheld
// caller is a normal call, not bad data. A digits-only input whose length
// is in the configured internal range gives a Number with Internal set.
// Anything else that is not a valid number gives an *Error; the returned
// Number then has only Raw and Kind set.
func (n *Normaliser) Normalise(raw string) (Number, error) {
	if n.cache == nil {
		return n.normalise(raw, true)
	}
	if num, ok := n.cache.get(raw); ok {
		return num, nil
	}
	num, err := n.normalise(raw, true)
	if err == nil {
		// Only numbers: remembering garbage would let it push them out.
		n.cache.put(raw, num)
	}
	return num, err
}

// Canonical is Normalise for storing a number rather than showing it: the
// Number has no National form (except for an internal extension, whose
// digits it is) and no Region, and the input is not remembered. Importers
// use it: formatting a number for display costs about a quarter of parsing
// it, and every number of a file is new, so remembering them would only
// push out the numbers that do come back.
func (n *Normaliser) Canonical(raw string) (Number, error) {
	return n.normalise(raw, false)
}

// normalise parses raw; display adds the national form and the region.
func (n *Normaliser) normalise(raw string, display bool) (Number, error) {
	if len(raw) > maxInputBytes {
		return Number{Raw: raw, Kind: KindUnknown}, newError(raw, ReasonTooLong, "longer than "+strconv.Itoa(maxInputBytes)+" bytes")
	}
	s := trimSpace(raw)
	fail := Number{Raw: s, Kind: KindUnknown}
	if s == "" {
		return Number{Raw: s, Kind: KindUnknown, Withheld: true}, nil
	}
	t, perr := extract(s)
	if perr != nil {
		return fail, perr
	}
	if t.withheld || isWithheldWord(t.user) {
		return Number{Raw: s, Kind: KindUnknown, Withheld: true}, nil
	}

	var sc scanner
	if r, detail := sc.run(t.user, n.idd); r != "" {
		return fail, newError(s, r, detail)
	}
	ext, ctx, perr := numberParams(s, t.params)
	if perr != nil {
		return fail, perr
	}
	if sc.ext != "" {
		ext = sc.ext
	}
	if len(ext) > maxExtDigits {
		return fail, newError(s, ReasonTooLong, "extension is longer than "+strconv.Itoa(maxExtDigits)+" digits")
	}
	if sc.n == 0 {
		return fail, newError(s, ReasonTooShort, "contains no digits")
	}
	if ctx != "" && !sc.plus {
		// RFC 3966: a local number with a global phone-context is relative
		// to that prefix; libphonenumber resolves it the same way.
		if !sc.prepend(ctx) {
			return fail, newError(s, ReasonTooLong, "more than "+strconv.Itoa(maxDigits)+" digits")
		}
		sc.plus = true
	}
	if !sc.plus && ext == "" && ctx == "" && sc.n >= n.internalMin && sc.n <= n.internalMax {
		d := string(sc.digits[:sc.n])
		return Number{Raw: s, National: d, Kind: KindUnknown, Internal: true}, nil
	}
	if !sc.plus && sc.n < n.internalMin {
		return fail, newError(s, ReasonTooShort, "has only "+strconv.Itoa(sc.n)+" digit(s)")
	}

	if !sc.plus && sc.n > len(n.idd)+1 && hasDigitPrefix(sc.digits[:sc.n], n.idd) && sc.digits[len(n.idd)] != '0' {
		// "0031 20 ..." in a region whose international prefix is "00":
		// the same number as "+31 20 ...", which libphonenumber parses
		// markedly faster. A '0' after the prefix would not be a country
		// code, so that case is left to libphonenumber, as it decides the
		// same way.
		sc.strip(len(n.idd))
		sc.plus = true
	}

	var buf [maxDigits + 1]byte
	k := 0
	if sc.plus {
		buf[0] = '+'
		k = 1
	}
	k += copy(buf[k:], sc.digits[:sc.n])
	num := &phonenumbers.PhoneNumber{}
	err := n.digits.parse(string(buf[:k]), n.region, num)
	typ := phonenumbers.UNKNOWN
	if err == nil {
		// GetNumberType is UNKNOWN exactly when IsValidNumber is false (both
		// run the same type matcher), so one call gives validity and type.
		typ = n.digits.numberType(num)
	}
	if typ == phonenumbers.UNKNOWN && !sc.plus {
		if alt, altTyp, ok := n.retryInternational(sc.digits[:sc.n]); ok {
			num, typ, err = alt, altTyp, nil
		}
	}
	if typ == phonenumbers.UNKNOWN {
		return fail, parseFailure(s, err, num)
	}

	out := Number{
		Raw:       s,
		E164:      e164(num),
		Kind:      kindOf(typ),
		Extension: ext,
	}
	if display {
		out.National = phonenumbers.Format(num, phonenumbers.NATIONAL)
		if region := phonenumbers.GetRegionCodeForNumber(num); len(region) == 2 && region != phonenumbers.UNKNOWN_REGION {
			out.Region = region
		}
	}
	return out, nil
}

// retryInternational handles digit strings that are not valid nationally but
// are international numbers missing their '+', as trunks send them:
// "32470123456" (country code without plus) or, in regions whose
// international prefix is not "00", "0032470123456". It is only reached
// when the national parse failed, so a valid national reading always wins.
func (n *Normaliser) retryInternational(d []byte) (*phonenumbers.PhoneNumber, phonenumbers.PhoneNumberType, bool) {
	var rest []byte
	switch {
	case n.idd != "00" && len(d) > 2 && d[0] == '0' && d[1] == '0':
		rest = d[2:]
	case d[0] != '0' && len(d) > n.nationalLen:
		rest = d
	default:
		return nil, phonenumbers.UNKNOWN, false
	}
	var buf [maxDigits + 1]byte
	buf[0] = '+'
	k := 1 + copy(buf[1:], rest)
	num := &phonenumbers.PhoneNumber{}
	if n.digits.parse(string(buf[:k]), n.region, num) != nil {
		return nil, phonenumbers.UNKNOWN, false
	}
	typ := n.digits.numberType(num)
	return num, typ, typ != phonenumbers.UNKNOWN
}

// parseFailure explains why libphonenumber did not produce a valid number.
func parseFailure(input string, err error, num *phonenumbers.PhoneNumber) *Error {
	switch err {
	case nil:
	case phonenumbers.ErrInvalidCountryCode:
		return newError(input, ReasonCountryCode, "unknown country calling code")
	case phonenumbers.ErrTooShortNSN, phonenumbers.ErrTooShortAfterIDD, phonenumbers.ErrNotANumber:
		// The cleanup pass hands over only '+' and digits, so "not a
		// number" can only mean too few digits to be viable ("+1").
		return newError(input, ReasonTooShort, "too few digits")
	case phonenumbers.ErrNumTooLong:
		return newError(input, ReasonTooLong, "too many digits")
	default:
		return newError(input, ReasonInvalid, err.Error())
	}
	cc := "+" + strconv.Itoa(int(num.GetCountryCode()))
	switch phonenumbers.IsPossibleNumberWithReason(num) {
	case phonenumbers.INVALID_COUNTRY_CODE:
		return newError(input, ReasonCountryCode, "unknown country calling code "+cc)
	case phonenumbers.TOO_SHORT:
		return newError(input, ReasonTooShort, "too few digits for a number in "+cc)
	case phonenumbers.TOO_LONG:
		return newError(input, ReasonTooLong, "too many digits for a number in "+cc)
	case phonenumbers.INVALID_LENGTH:
		return newError(input, ReasonInvalid, "wrong number of digits for a number in "+cc)
	default:
		// Possible length but no number range matches: not a number that
		// can exist, so it must not be used as a caller key.
		return newError(input, ReasonInvalid, "not a valid number in the "+cc+" numbering plan")
	}
}

// kindOf maps libphonenumber's number types onto Kind.
func kindOf(t phonenumbers.PhoneNumberType) Kind {
	switch t {
	case phonenumbers.MOBILE:
		return KindMobile
	case phonenumbers.FIXED_LINE:
		return KindFixedLine
	case phonenumbers.FIXED_LINE_OR_MOBILE:
		// Only reported where the numbering plan cannot tell the two apart
		// (e.g. the NANP); a plan that can says MOBILE or FIXED_LINE. The
		// safer display assumption then is a fixed line.
		return KindFixedLine
	case phonenumbers.TOLL_FREE:
		return KindTollFree
	case phonenumbers.PREMIUM_RATE:
		return KindPremium
	case phonenumbers.SHARED_COST:
		return KindSharedCost
	case phonenumbers.VOIP:
		return KindVoIP
	case phonenumbers.PERSONAL_NUMBER:
		// Personal ("follow-me") numbers are virtual numbers routed
		// anywhere, which is what VoIP means to a caller display.
		return KindVoIP
	default:
		// PAGER, UAN (company numbers) and VOICEMAIL say nothing useful
		// about how to reach the person.
		return KindUnknown
	}
}

// withheldWords are caller IDs that PBXs and carriers send instead of a
// number when presentation is restricted. Compared case-insensitively.
var withheldWords = [...]string{
	"anonymous", "restricted", "private", "unavailable", "unknown", "withheld",
	"private number", "unknown number", "number withheld", "withheld number",
}

func isWithheldWord(s string) bool {
	s = trimSpace(s)
	if len(s) < 7 { // shortest word is "private"/"unknown"
		return false
	}
	for _, w := range withheldWords {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

func maxLength(ls []int32) int {
	m := 0
	for _, l := range ls {
		m = max(m, int(l))
	}
	return m
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
