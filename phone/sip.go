package phone

import (
	"strconv"
	"strings"
)

// This file extracts the originally dialled number from SIP forwarding
// headers, so a forwarded call can be attributed to the number the caller
// actually dialled rather than to the last hop.

// maxHeaderBytes bounds the header text we are willing to walk; real
// Diversion/History-Info values with a handful of entries are far shorter.
const maxHeaderBytes = 8192

// OriginalTargetFromDiversion parses a raw SIP Diversion header value
// (RFC 5806), possibly several comma-separated entries, and returns the URI
// user part of the original target. Each forwarding hop prepends an entry,
// so the original target is the last entry; the counter parameter is not
// used to reorder, since it counts hops per entry rather than ordering them.
// An unparseable last entry is skipped in favour of the last parseable one.
// The result is raw number text for Normalise; it fails with an *Error
// (ReasonBadURI) when no entry holds a usable URI.
func OriginalTargetFromDiversion(header string) (string, error) {
	if len(header) > maxHeaderBytes {
		return "", headerError(header, ReasonTooLong, "header longer than "+strconv.Itoa(maxHeaderBytes)+" bytes")
	}
	found := false
	var last string
	for rest := header; rest != ""; {
		var e string
		e, rest = nextEntry(rest)
		uri, _, ok := splitEntry(e)
		if !ok {
			continue
		}
		if u, ok := uriUser(uri); ok {
			last, found = u, true
		}
	}
	if !found {
		return "", headerError(header, ReasonBadURI, "no entry with a usable SIP or tel URI in Diversion header")
	}
	return last, nil
}

// OriginalTargetFromHistoryInfo parses a History-Info header value
// (RFC 7044) and returns the URI user part of the entry with index=1: the
// root of the retargeting tree, i.e. the number first dialled, wherever it
// is listed. URI headers ("?Reason=...") and parameters are stripped. It
// fails with an *Error (ReasonBadURI) when there is no usable index=1 entry.
func OriginalTargetFromHistoryInfo(header string) (string, error) {
	if len(header) > maxHeaderBytes {
		return "", headerError(header, ReasonTooLong, "header longer than "+strconv.Itoa(maxHeaderBytes)+" bytes")
	}
	for rest := header; rest != ""; {
		var e string
		e, rest = nextEntry(rest)
		uri, params, ok := splitEntry(e)
		if !ok {
			continue
		}
		if idx, ok := paramValue(params, "index"); !ok || idx != "1" {
			continue
		}
		u, ok := uriUser(uri)
		if !ok {
			return "", headerError(header, ReasonBadURI, "History-Info entry index=1 has no usable SIP or tel URI")
		}
		return u, nil
	}
	return "", headerError(header, ReasonBadURI, "no History-Info entry with index=1")
}

// ForwardedFrom accepts whatever a PBX puts in its "forwarded from" field:
// a plain number, a sip:/tel: URI (optionally with display name), a
// Diversion value or a History-Info value, and returns the raw number text
// of the original target to pass to Normalise. History-Info is recognised by
// "index=", Diversion by "reason=", "counter=" or several <...> entries.
// Plain number text is returned trimmed but otherwise unchanged, so that
// Normalise reports any problem with it.
func ForwardedFrom(value string) (string, error) {
	if len(value) > maxHeaderBytes {
		return "", headerError(value, ReasonTooLong, "longer than "+strconv.Itoa(maxHeaderBytes)+" bytes")
	}
	v := trimSpace(value)
	if v == "" {
		return "", headerError(value, ReasonTooShort, "is empty")
	}
	switch {
	case containsFold(v, "index="):
		return OriginalTargetFromHistoryInfo(v)
	case containsFold(v, "reason=") || containsFold(v, "counter=") || hasSeveralNameAddrs(v):
		return OriginalTargetFromDiversion(v)
	}
	uri, bad := unwrapNameAddr(v)
	if bad != "" {
		return "", headerError(value, ReasonBadURI, bad)
	}
	u, ok := uriUser(uri)
	if !ok && !hasScheme(trimSpace(uri)) && strings.IndexByte(uri, '@') < 0 {
		if plain := trimSpace(uri); plain != "" {
			return plain, nil // plain number text
		}
		return "", headerError(value, ReasonBadURI, "no number inside the brackets or quotes")
	}
	if !ok {
		return "", headerError(value, ReasonBadURI, "no usable SIP or tel URI")
	}
	return u, nil
}

// nextEntry splits off the first comma-separated entry of a header value.
// Commas inside a quoted display name or parameter, or inside <...> (URI
// headers may contain them), do not split.
func nextEntry(h string) (entry, rest string) {
	inQuote, inAngle := false, false
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case inQuote:
			if c == '\\' {
				i++
			} else if c == '"' {
				inQuote = false
			}
		case c == '"':
			inQuote = true
		case c == '<':
			inAngle = true
		case c == '>':
			inAngle = false
		case c == ',' && !inAngle:
			return h[:i], h[i+1:]
		}
	}
	return h, ""
}

// hasSeveralNameAddrs reports a comma-separated list of at least two
// <...> entries: the shape of a Diversion header without parameters.
func hasSeveralNameAddrs(v string) bool {
	n := 0
	for rest := v; rest != ""; {
		var e string
		e, rest = nextEntry(rest)
		if _, bad := unwrapNameAddr(trimSpace(e)); bad == "" && strings.IndexByte(e, '<') >= 0 {
			n++
		}
	}
	return n >= 2
}

// splitEntry takes one header entry apart into its URI and the header
// parameters that follow it. The display name is skipped.
func splitEntry(e string) (uri, params string, ok bool) {
	e = trimSpace(e)
	if e == "" {
		return "", "", false
	}
	i := 0
	if e[0] == '"' {
		if i = skipQuoted(e, 0); i < 0 {
			return "", "", false
		}
	}
	lt := strings.IndexByte(e[i:], '<')
	if lt < 0 {
		if i > 0 {
			return "", "", false // display name without a URI
		}
		// addr-spec form: header parameters start at the first ';'.
		uri, params, _ = strings.Cut(e, ";")
		return uri, params, true
	}
	lt += i
	gt := strings.IndexByte(e[lt+1:], '>')
	if gt < 0 {
		return "", "", false
	}
	return e[lt+1 : lt+1+gt], e[lt+2+gt:], true
}

// uriUser returns the number text of a SIP or tel URI: the user part,
// percent-decoded, without URI parameters or headers. A global
// phone-context on a local number is kept (";phone-context=+31") because
// without it the digits mean something else; Normalise understands it.
// The RFC 3323 anonymous host yields "anonymous", which Normalise reports as
// withheld.
func uriUser(uri string) (string, bool) {
	uri = trimSpace(uri)
	if !hasPrefixFold(uri, "sip:") && !hasPrefixFold(uri, "sips:") && !hasPrefixFold(uri, "tel:") &&
		strings.IndexByte(uri, '@') < 0 {
		return "", false // not a URI: header entries must carry one
	}
	user, params, anon, bad := splitURI(uri)
	if bad != "" {
		return "", false
	}
	if anon {
		return "anonymous", true
	}
	user = trimSpace(decodePercent(user))
	if user == "" {
		return "", false
	}
	if _, ctx, err := numberParams(uri, params); err == nil && ctx != "" && user[0] != '+' {
		user += ";phone-context=+" + ctx
	}
	return user, true
}

// paramValue returns the value of the named header parameter (case-
// insensitive name), unquoted. Parameters are ';'-separated; a ';' inside a
// quoted value does not separate.
func paramValue(params, name string) (string, bool) {
	for params != "" {
		end := len(params)
		inQuote := false
	scan:
		for i := 0; i < len(params); i++ {
			switch c := params[i]; {
			case inQuote && c == '\\':
				i++
			case c == '"':
				inQuote = !inQuote
			case c == ';' && !inQuote:
				end = i
				break scan
			}
		}
		p := params[:end]
		if end < len(params) {
			params = params[end+1:]
		} else {
			params = ""
		}
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(trimSpace(k), name) {
			v = trimSpace(v)
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v, true
		}
	}
	return "", false
}

// decodePercent decodes %XX escapes (e.g. "%2B31..." in a SIP user part).
// Malformed escapes are left as they are. It only allocates when there is
// an escape to decode.
func decodePercent(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// containsFold reports whether s contains the lower-case ASCII substr,
// ignoring ASCII case, without allocating a lower-cased copy.
func containsFold(s, substr string) bool {
	for i := 0; i+len(substr) <= len(s); i++ {
		if hasPrefixFold(s[i:], substr) {
			return true
		}
	}
	return false
}

// headerError is an *Error about a forwarding header or value: its message
// says that no original target was found rather than "not a telephone
// number", which would be misleading for a malformed header.
func headerError(input string, r Reason, detail string) *Error {
	return &Error{Input: input, Reason: r, Detail: detail, subject: "no original target"}
}
