package phone

import "strconv"

// Reason classifies why an input is not a telephone number, so that callers
// can branch (or count metrics) without matching on message text.
type Reason string

// Reasons reported in Error.Reason. Empty input is deliberately not an error:
// PBXs send an empty caller ID for withheld numbers, so it yields a withheld
// Number instead.
const (
	// ReasonLetters: the input contains letters that are not an extension
	// marker, e.g. "abc" or a vanity number such as "0800-FLOWERS".
	ReasonLetters Reason = "letters"
	// ReasonCharacters: the input contains a symbol that has no place in a
	// telephone number, e.g. "*31#", "06,1234" or invalid UTF-8.
	ReasonCharacters Reason = "characters"
	// ReasonTooShort: too few digits, including none at all ("+", "-").
	ReasonTooShort Reason = "too_short"
	// ReasonTooLong: too many digits, or input longer than 256 bytes.
	ReasonTooLong Reason = "too_long"
	// ReasonInvalid: the digits parse, but the number is not valid in its
	// numbering plan (or a '+' is misplaced, as in "++31").
	ReasonInvalid Reason = "invalid"
	// ReasonBadURI: a SIP/tel URI or SIP header that cannot be taken apart,
	// e.g. an unterminated "<", or a sip: URI without a user part.
	ReasonBadURI Reason = "bad_uri"
	// ReasonCountryCode: an international number with an unassigned country
	// calling code, e.g. "+999 1234567".
	ReasonCountryCode Reason = "country_code"
)

// Error is the typed error for input that is not a usable telephone number.
// It is always returned as *Error so callers can use errors.As and then
// decide per Reason (e.g. log "letters" at debug level, alert on "bad_uri").
type Error struct {
	// Input is the text that was rejected, as passed in.
	Input string
	// Reason is the machine-readable class of the problem.
	Reason Reason
	// Detail is a short plain-English explanation, e.g. "contains letters".
	Detail string

	// subject replaces "not a telephone number" in the message.
	subject string
}

// maxQuotedInput bounds how much of the input is echoed in Error(), so a
// hostile 1 MB header does not end up verbatim in every log line.
const maxQuotedInput = 64

// Error implements error. The message names the input and says why in plain
// English, e.g. `"abc": not a telephone number: contains letters`.
func (e *Error) Error() string {
	in := e.Input
	if len(in) > maxQuotedInput {
		in = in[:maxQuotedInput] + "..."
	}
	detail := e.Detail
	if detail == "" {
		detail = string(e.Reason)
	}
	subject := e.subject
	if subject == "" {
		subject = "not a telephone number"
	}
	return strconv.Quote(in) + ": " + subject + ": " + detail
}

func newError(input string, r Reason, detail string) *Error {
	return &Error{Input: input, Reason: r, Detail: detail}
}
