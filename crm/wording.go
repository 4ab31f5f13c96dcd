package crm

import (
	"fmt"
	"strings"
)

// Language is the language of the text the register writes into the
// history itself: a call's entry, a check-in, a hint's outcome. What people
// write is kept as they wrote it; screens put everything else in each
// reader's own language.
type Language string

// Languages the register writes in.
const (
	English Language = "en"
	Dutch   Language = "nl"
)

// ParseLanguage reads a language code ("en", "nl"); "" means English.
func ParseLanguage(field, s string) (Language, error) {
	switch l := Language(strings.ToLower(strings.TrimSpace(s))); l {
	case "":
		return English, nil
	case English, Dutch:
		return l, nil
	}
	return "", Errorf(CodeInvalid, field, "%q is not a language the register writes in (en, nl)", s)
}

// wording is the register's own text in one language.
type wording struct {
	call, callFrom, callFor      string // "Incoming call", " from %s", " for %s"
	checkedIn, checkInCallNow    string
	hintShown, hintMentioned     string // "%s": the service's name
	hintInterested, hintDeclined string // added to hintMentioned
}

func wordingIn(l Language) wording {
	if l == Dutch {
		return wording{
			call: "Inkomend gesprek", callFrom: " van %s", callFor: " voor %s",
			checkedIn: "Ingecheckt: alles in orde", checkInCallNow: "Check-in: nu bellen",
			hintShown: "Tip getoond: %s", hintMentioned: "%s genoemd",
			hintInterested: "; interesse", hintDeclined: "; geen interesse",
		}
	}
	return wording{
		call: "Incoming call", callFrom: " from %s", callFor: " for %s",
		checkedIn: "Checked in: all fine", checkInCallNow: "Check-in: to call now",
		hintShown: "Hint shown: %s", hintMentioned: "Mentioned %s",
		hintInterested: "; interested", hintDeclined: "; declined",
	}
}

// callSummary is a call's history entry: "Incoming call from 020 555 1234
// for Sanne Visser".
func (w wording) callSummary(fromNational, callingFor string) string {
	s := w.call
	if fromNational != "" {
		s += fmt.Sprintf(w.callFrom, fromNational)
	}
	if callingFor != "" {
		s += fmt.Sprintf(w.callFor, callingFor)
	}
	return s
}

// careSummary is a check-in's history entry.
func (w wording) careSummary(o CareOutcome) string {
	if o == CareCallNow {
		return w.checkInCallNow
	}
	return w.checkedIn
}

// hintSummary is a hint outcome's history entry: "Mentioned Off-site
// Backup; interested".
func (w wording) hintSummary(o HintOutcome, service string) string {
	if o == HintShown {
		return fmt.Sprintf(w.hintShown, service)
	}
	s := fmt.Sprintf(w.hintMentioned, service)
	switch o {
	case HintInterested:
		s += w.hintInterested
	case HintDeclined:
		s += w.hintDeclined
	}
	return s
}
