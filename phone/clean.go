package phone

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file is the hand-written cleanup pass that runs before
// libphonenumber: it takes URIs and display names apart and reduces the
// number text to '+' and digits. It is written without regexes or
// allocations because it runs for every call.

// target is the number-bearing part of an input.
type target struct {
	// user is the number text: a SIP URI's user part, a tel URI's number,
	// or the input itself.
	user string
	// params are the ';'-separated parameters that belong to the number:
	// tel URI parameters, SIP user parameters, or ";ext=12" in plain text.
	params string
	// withheld is set for the RFC 3323 anonymous host.
	withheld bool
}

// extract finds the number text in s: it unwraps a name-addr
// (`"Name" <sip:...>`), then a sip:, sips: or tel: URI.
func extract(s string) (target, *Error) {
	uri, bad := unwrapNameAddr(s)
	if bad != "" {
		return target{}, newError(s, ReasonBadURI, bad)
	}
	user, params, anon, bad := splitURI(uri)
	if bad != "" {
		return target{}, newError(s, ReasonBadURI, bad)
	}
	return target{user: user, params: params, withheld: anon}, nil
}

// unwrapNameAddr returns the URI inside '<' '>' of a SIP name-addr, skipping
// a quoted display name (which may itself contain '<', ',' or '"'). Input
// without '<' is returned as is, except that a lone quoted string yields
// its content, since some PBXs quote the caller ID.
func unwrapNameAddr(s string) (string, string) {
	i := 0
	if s != "" && s[0] == '"' {
		end := skipQuoted(s, 0)
		if end < 0 {
			return "", "unterminated quoted display name"
		}
		if trimSpace(s[end:]) == "" {
			return s[1 : end-1], ""
		}
		i = end
	}
	lt := strings.IndexByte(s[i:], '<')
	if lt < 0 {
		if i > 0 {
			return "", "display name without <URI>"
		}
		return s, ""
	}
	lt += i
	gt := strings.IndexByte(s[lt+1:], '>')
	if gt < 0 {
		return "", "missing '>' after '<'"
	}
	return s[lt+1 : lt+1+gt], ""
}

// skipQuoted returns the index just past the quoted string that starts at
// s[start] == '"', honouring backslash escapes, or -1 if it is unterminated.
func skipQuoted(s string, start int) int {
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// splitURI takes a sip:, sips: or tel: URI (or plain number text) apart into
// the number text and its parameters. URI parameters and headers that do
// not describe the number (";user=phone", "?Reason=...") are dropped.
func splitURI(u string) (user, params string, anon bool, bad string) {
	u = trimSpace(u)
	var rest string
	switch {
	case hasPrefixFold(u, "sip:"):
		rest = u[4:]
	case hasPrefixFold(u, "sips:"):
		rest = u[5:]
	case hasPrefixFold(u, "tel:"):
		user, params, _ = strings.Cut(u[4:], ";")
		if trimSpace(user) == "" {
			return "", "", false, "tel URI without a number"
		}
		return user, params, false, ""
	default:
		if hasScheme(u) {
			return "", "", false, "unsupported URI scheme"
		}
		if strings.IndexByte(u, '@') < 0 {
			user, params, _ = strings.Cut(u, ";")
			return user, params, false, ""
		}
		rest = u // "user@host" without a scheme, as some PBXs log it
	}
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		rest = rest[:q] // URI headers
	}
	at := strings.IndexByte(rest, '@')
	if at < 0 {
		return "", "", false, "SIP URI has no user part"
	}
	userinfo, host := rest[:at], rest[at+1:]
	if i := strings.IndexAny(host, ";:"); i >= 0 {
		host = host[:i]
	}
	anon = strings.EqualFold(trimSpace(host), "anonymous.invalid")
	if c := strings.IndexByte(userinfo, ':'); c >= 0 {
		userinfo = userinfo[:c] // password
	}
	user, params, _ = strings.Cut(userinfo, ";")
	if trimSpace(user) == "" && !anon {
		return "", "", false, "SIP URI has an empty user part"
	}
	return user, params, anon, ""
}

// hasScheme reports whether s starts with a URI scheme ("http:", "urn:"),
// i.e. two or more letters followed by ':'. Extension markers such as
// "ext:12" never start the input, so they are not mistaken for one.
func hasScheme(s string) bool {
	i := 0
	for i < len(s) && isASCIILetter(s[i]) {
		i++
	}
	return i >= 2 && i < len(s) && s[i] == ':'
}

// numberParams reads the parameters that matter for the number: "ext" and a
// global "phone-context" (returned without its '+'). Everything else
// (isub, npdi, rn, ...) is ignored, as RFC 3966 allows.
func numberParams(input, params string) (ext, ctx string, err *Error) {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, value, _ := strings.Cut(p, "=")
		name, value = trimSpace(name), trimSpace(value)
		switch {
		case strings.EqualFold(name, "ext"):
			if !isDigits(value) {
				return "", "", newError(input, ReasonInvalid, "extension is not a digit string")
			}
			ext = value
		case strings.EqualFold(name, "phone-context"):
			if value == "" || value[0] != '+' {
				continue // a domain name: says nothing about the digits
			}
			ctx = stripVisual(value[1:])
			if !isDigits(ctx) {
				return "", "", newError(input, ReasonBadURI, "phone-context is neither a domain nor a +number")
			}
		}
	}
	return ext, ctx, nil
}

// stripVisual drops RFC 3966 visual separators from a global number prefix.
// It only allocates when there is something to drop.
func stripVisual(s string) string {
	if strings.IndexAny(s, "-.()") < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '-', '.', '(', ')':
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// scanner reduces number text to an optional '+' and up to maxDigits
// digits, recognising a trailing extension.
type scanner struct {
	digits [maxDigits]byte
	n      int
	plus   bool
	ext    string
}

// run scans s. idd is the default region's international prefix, needed to
// tell whether a "(0)" follows a country code. It returns a non-empty
// Reason and a detail when s cannot be a number.
func (sc *scanner) run(s, idd string) (Reason, string) {
	for i := 0; i < len(s); {
		c := s[i]
		start := i
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			// Percent-encoded URI user part, e.g. "%2B31...".
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 3
		} else if c < utf8.RuneSelf {
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			if reason, detail := sc.rune(r, size); reason != "" {
				return reason, detail
			}
			continue
		}
		switch {
		case c >= '0' && c <= '9':
			if !sc.add(c) {
				return ReasonTooLong, "more than " + strconv.Itoa(maxDigits) + " digits"
			}
		case c == '+':
			if sc.plus || sc.n > 0 {
				return ReasonInvalid, "'+' may only appear once, at the start"
			}
			sc.plus = true
		case c == '(':
			// "+31 (0)20 ..." : the trunk prefix in brackets is dialled
			// only nationally and must go when a country code precedes it.
			if strings.HasPrefix(s[i:], "0)") && sc.afterCountryCode(idd) {
				i += 2
			}
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == ')' || c == '[' || c == ']' ||
			c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
		case isASCIILetter(c):
			if sc.n > 0 && start+1 == i {
				if ext, ok := extensionSuffix(s[start:]); ok {
					sc.ext = ext
					return "", ""
				}
			}
			return ReasonLetters, "contains letters"
		default:
			return ReasonCharacters, "contains " + strconv.QuoteRune(rune(c))
		}
	}
	return "", ""
}

// rune handles a non-ASCII rune: wide and Arabic-Indic digits, Unicode
// spaces and dashes (NBSP is common in copied numbers), and rejects the rest.
func (sc *scanner) rune(r rune, size int) (Reason, string) {
	var d rune = -1
	switch {
	case r >= '\uFF10' && r <= '\uFF19': // fullwidth digits
		d = r - '\uFF10'
	case r >= '\u0660' && r <= '\u0669': // Arabic-Indic digits
		d = r - '\u0660'
	case r >= '\u06F0' && r <= '\u06F9': // extended Arabic-Indic digits
		d = r - '\u06F0'
	case r == '\uFF0B': // fullwidth plus
		if sc.plus || sc.n > 0 {
			return ReasonInvalid, "'+' may only appear once, at the start"
		}
		sc.plus = true
		return "", ""
	case isSeparatorRune(r):
		return "", ""
	case r == utf8.RuneError && size == 1:
		return ReasonCharacters, "is not valid UTF-8"
	case unicode.IsLetter(r):
		return ReasonLetters, "contains letters"
	default:
		return ReasonCharacters, "contains " + strconv.QuoteRune(r)
	}
	if !sc.add(byte('0' + d)) {
		return ReasonTooLong, "more than " + strconv.Itoa(maxDigits) + " digits"
	}
	return "", ""
}

func (sc *scanner) add(d byte) bool {
	if sc.n == len(sc.digits) {
		return false
	}
	sc.digits[sc.n] = d
	sc.n++
	return true
}

// prepend puts a phone-context prefix in front of the digits.
func (sc *scanner) prepend(p string) bool {
	if sc.n+len(p) > len(sc.digits) {
		return false
	}
	copy(sc.digits[len(p):], sc.digits[:sc.n])
	copy(sc.digits[:], p)
	sc.n += len(p)
	return true
}

// strip drops the first k digits.
func (sc *scanner) strip(k int) {
	copy(sc.digits[:], sc.digits[k:sc.n])
	sc.n -= k
}

// afterCountryCode reports whether the digits so far are an international
// prefix ('+', "00" or the region's own) followed by at least one digit.
func (sc *scanner) afterCountryCode(idd string) bool {
	d := sc.digits[:sc.n]
	switch {
	case sc.plus:
		return sc.n > 0
	case hasDigitPrefix(d, "00"):
		return sc.n > 2
	case hasDigitPrefix(d, idd):
		return sc.n > len(idd)
	}
	return false
}

func hasDigitPrefix(d []byte, p string) bool {
	return len(d) >= len(p) && string(d[:len(p)]) == p
}

// extensionMarkers introduce an extension, longest first so "ext" does not
// shadow "extension".
var extensionMarkers = [...]string{"extension", "ext.", "ext", "x"}

// extensionSuffix recognises "x12", "ext. 12", "ext:12", "extension 12" at
// the end of the number text and returns the digits.
func extensionSuffix(t string) (string, bool) {
	for _, m := range extensionMarkers {
		if !hasPrefixFold(t, m) {
			continue
		}
		rest := t[len(m):]
		i := 0
		for i < len(rest) && (rest[i] == ' ' || rest[i] == '\t' || rest[i] == '.' || rest[i] == ':' || rest[i] == '=' || rest[i] == '-') {
			i++
		}
		j := i
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j == i || trimSpace(rest[j:]) != "" {
			return "", false
		}
		return rest[i:j], true
	}
	return "", false
}

// isSeparatorRune reports Unicode whitespace and dash-like punctuation that
// people (and word processors) put between digit groups.
func isSeparatorRune(r rune) bool {
	switch r {
	case '\u200B', '\u2060', '\uFEFF', '\u00AD', // zero-width and soft hyphen
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', // dashes, minus
		'\uFF0D', '\uFF0E', '\uFF0F', '\uFF08', '\uFF09', // fullwidth - . / ( )
		'\u30FC', '\u3000':
		return true
	}
	return unicode.IsSpace(r)
}

// trimSpace trims ASCII and Unicode whitespace, including NBSP and
// zero-width spaces, which copy-pasted numbers often carry.
func trimSpace(s string) string {
	return strings.TrimFunc(s, isTrimRune)
}

func isTrimRune(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200B' || r == '\u2060' || r == '\uFEFF'
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case; prefix must be
// lower case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
