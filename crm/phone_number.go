package crm

import (
	"strings"

	"github.com/callcard/callcard/phone"
)

// Label says what a number is for.
type Label string

// Number labels.
const (
	LabelMobile      Label = "mobile"
	LabelDirect      Label = "direct"
	LabelSwitchboard Label = "switchboard"
	LabelHome        Label = "home"
	LabelOther       Label = "other"
)

// ParseLabel reads a label; empty is returned as "" so callers can pick a
// default from the number's kind.
func ParseLabel(field, s string) (Label, error) {
	switch Label(key(s)) {
	case "":
		return "", nil
	case LabelMobile, "mobiel", "cell", "gsm":
		return LabelMobile, nil
	case LabelDirect, "direct dial", "work", "werk", "kantoor":
		return LabelDirect, nil
	case LabelSwitchboard, "main", "reception", "receptie", "algemeen":
		return LabelSwitchboard, nil
	case LabelHome, "thuis", "privé", "prive":
		return LabelHome, nil
	case LabelOther, "overig", "fax":
		return LabelOther, nil
	}
	return "", Errorf(CodeInvalid, field, "%q is not a number label (mobile, direct, switchboard, home, other)", s)
}

// PhoneNumber is a stored number: normalised for look-up, raw for display.
type PhoneNumber struct {
	ID    int64
	E164  string
	Raw   string
	Label Label
}

// NumberInput is a number as given by a person or a file, with an optional label.
type NumberInput struct {
	Raw   string
	Label Label
}

// ParseNumberList splits "mobile:06 1234 5678; 020 555 1234" into inputs.
// A label prefix is optional; an unknown word before ':' is an error, except
// for URI schemes such as "tel:" and "sip:" which are part of the number.
func ParseNumberList(field, s string) ([]NumberInput, error) {
	var out []NumberInput
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		in := NumberInput{Raw: part}
		if i := strings.IndexByte(part, ':'); i > 0 {
			word := strings.ToLower(strings.TrimSpace(part[:i]))
			switch word {
			case "tel", "sip", "sips":
			default:
				l, err := ParseLabel(field, word)
				if err != nil {
					return nil, err
				}
				in = NumberInput{Raw: strings.TrimSpace(part[i+1:]), Label: l}
			}
		}
		out = append(out, in)
	}
	return out, nil
}

// normaliseForStorage normalises a number to be written. Withheld and internal
// numbers can't identify anyone from outside, so they are refused.
func normaliseForStorage(n *phone.Normaliser, field string, in NumberInput, fallback Label) (PhoneNumber, error) {
	// Only the E.164 form and the kind are stored or used.
	num, err := n.Canonical(in.Raw)
	if err != nil {
		return PhoneNumber{}, &Error{Code: CodeInvalid, Field: field, Message: err.Error(), Err: err}
	}
	if num.Withheld {
		return PhoneNumber{}, Errorf(CodeInvalid, field, "%q is not a number (empty or withheld)", in.Raw)
	}
	if num.Internal {
		return PhoneNumber{}, Errorf(CodeInvalid, field, "%q is an internal extension, not an outside number", in.Raw)
	}
	label := in.Label
	if label == "" {
		label = fallback
		if label == "" {
			label = LabelDirect
			if num.Kind == phone.KindMobile {
				label = LabelMobile
			}
		}
	}
	raw := strings.TrimSpace(in.Raw)
	return PhoneNumber{E164: num.E164, Raw: raw, Label: label}, nil
}
