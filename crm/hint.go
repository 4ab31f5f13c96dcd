package crm

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Hint is a service worth mentioning to a caller, with the line to say and
// a reason a receptionist can read in two seconds.
type Hint struct {
	ServiceID   int64
	ServiceCode string
	ServiceName string
	Pitch       string
	// Reason lists the facts that scored, most telling first, e.g. "hosting
	// for 7 years; backup complements hosting; hosting renews in 40 days;
	// mentioned "deleted" 14 days ago; never offered". It is Reasons in
	// English.
	Reason string
	// Reasons are the same facts, for a screen to put in its own language.
	Reasons []HintReason
	// Score ranks hints: higher is warmer. It is comparable between
	// organisations; see Store.Hints for how it is made.
	Score float64
}

// HintReasonKind names a kind of fact a hint rests on.
type HintReasonKind string

// The facts a hint rests on, as Hint.Reasons lists them.
const (
	ReasonProspect      HintReasonKind = "prospect"       // not a client yet
	ReasonHeld          HintReasonKind = "held"           // Service held for Years
	ReasonComplements   HintReasonKind = "complements"    // the hinted Service goes with Others
	ReasonRenews        HintReasonKind = "renews"         // Service renews in Days
	ReasonMentioned     HintReasonKind = "mentioned"      // Keyword named Days ago
	ReasonNeverOffered  HintReasonKind = "never_offered"  // not offered before
	ReasonDeclined      HintReasonKind = "declined"       // last offered Days ago, and declined
	ReasonLastMentioned HintReasonKind = "last_mentioned" // last mentioned to the client Days ago
)

// HintReason is one fact a hint rests on. Services are named by code.
type HintReason struct {
	Kind HintReasonKind
	// Service is the held service (held, renews) or the hinted one
	// (complements).
	Service string
	// Others are the held services the hinted one complements, the one
	// that weighs most first (complements).
	Others []string
	// Years is how long Service has been held (held).
	Years int
	// Days is how many days from today Service renews (renews), or how
	// many days ago something happened (mentioned, declined,
	// last_mentioned).
	Days int
	// Keyword is the word named (mentioned).
	Keyword string
}

// english says r as Hint.Reason does.
func (r HintReason) english() string {
	switch r.Kind {
	case ReasonProspect:
		return "prospect"
	case ReasonHeld:
		return r.Service + " for " + plural(r.Years, "year")
	case ReasonComplements:
		return r.Service + " complements " + strings.Join(r.Others, " and ")
	case ReasonRenews:
		return r.Service + " renews " + inDays(r.Days)
	case ReasonMentioned:
		return `mentioned "` + r.Keyword + `" ` + agoText(r.Days)
	case ReasonNeverOffered:
		return "never offered"
	case ReasonDeclined:
		return "declined " + agoText(r.Days)
	case ReasonLastMentioned:
		return "last mentioned " + agoText(r.Days)
	}
	return string(r.Kind)
}

// SaidWithHeld tells whether reasons[i] is a renewal of the service the
// reason before it says is held, and so is said with that fact rather than
// on its own: "hosting for 7 years, renews in 40 days".
func SaidWithHeld(reasons []HintReason, i int) bool {
	return i > 0 && reasons[i].Kind == ReasonRenews && reasons[i-1].Kind == ReasonHeld && reasons[i-1].Service == reasons[i].Service
}

// englishReason joins reasons into Hint.Reason.
func englishReason(reasons []HintReason) string {
	var b strings.Builder
	for i, r := range reasons {
		switch {
		case SaidWithHeld(reasons, i):
			b.WriteString(", renews " + inDays(r.Days))
			continue
		case i > 0:
			b.WriteString("; ")
		}
		b.WriteString(r.english())
	}
	return b.String()
}

// HintOutcome is what happened when a receptionist saw a hint.
type HintOutcome string

// Hint outcomes, stored as the status of a 'hint' interaction.
const (
	HintShown      HintOutcome = "shown"      // on the screen; not said. Recorded, suppresses nothing
	HintMentioned  HintOutcome = "mentioned"  // said to the caller; not offered again for 30 days
	HintInterested HintOutcome = "interested" // the caller wants to know more: a lead for the account manager
	HintDeclined   HintOutcome = "declined"   // not wanted; not offered again for 180 days
)

// ParseHintOutcome reads an outcome as a form or API sends it.
func ParseHintOutcome(field, s string) (HintOutcome, error) {
	switch o := HintOutcome(strings.ToLower(strings.TrimSpace(s))); o {
	case HintShown, HintMentioned, HintInterested, HintDeclined:
		return o, nil
	}
	return "", Errorf(CodeInvalid, field, "%q is not a hint outcome (shown, mentioned, interested, declined)", s)
}

// Hint scoring. The constants are the whole model: Store.Hints documents
// how they combine.
const (
	DefaultHintLimit = 3

	hintRenewalDays    = 60  // a complemented service renewing this soon is a natural moment
	hintKeywordDays    = 90  // how far back a mention of a keyword counts
	hintDeclineDays    = 180 // a declined hint rests this long
	hintMentionDays    = 30  // a mentioned hint rests this long
	hintLeadClosedDays = 180 // a closed lead (won or lost) rests the service this long

	hintExtraComplement = 0.1 // for each further held service a hint complements
	hintRenewalBoost    = 0.5
	hintKeywordMax      = 1.0 // a mention today
	hintKeywordMin      = 0.5 // a mention hintKeywordDays ago
	hintLoyaltyPerYear  = 0.03
	hintLoyaltyMax      = 0.3
)

// hintValueFactor scales a hint by what the client is worth a year:
// a warm word to a large client matters more.
func hintValueFactor(v Money) float64 {
	switch {
	case v >= 50000_00:
		return 1.3
	case v >= 20000_00:
		return 1.2
	case v >= 5000_00:
		return 1.1
	}
	return 1.0
}

// hintLoyaltyFactor scales a hint by the whole years an organisation has
// been a client: loyal clients are warmer.
func hintLoyaltyFactor(years int) float64 {
	return 1 + math.Min(hintLoyaltyMax, hintLoyaltyPerYear*float64(years))
}

// hintService is one catalogue entry as the ranking needs it.
type hintService struct {
	id          int64
	code        string
	name        string
	pitch       string
	keywords    []string // lower case
	complements []hintComplement
}

type hintComplement struct {
	of     int64 // the service whose holders this one suits
	weight float64
}

// hintHeld is an active subscription.
type hintHeld struct {
	since   time.Time
	renewal time.Time
}

// hintText is a recent interaction whose words may name a keyword.
type hintText struct {
	at   time.Time
	text string // lower case
}

// hintOffer is a hint or lead about a service, of any age.
type hintOffer struct {
	kind    InteractionKind
	at      time.Time
	service int64
	status  string
	doneAt  time.Time
}

// hintFacts is everything the ranking reads about one organisation.
type hintFacts struct {
	now         time.Time
	status      OrgStatus
	clientSince time.Time
	value       Money
	held        map[int64]hintHeld // active subscriptions by service id
	texts       []hintText         // newest first
	offers      []hintOffer
}

// rankHints scores every service in the catalogue for f and returns the
// best limit, highest score first, ties by service code. It is a pure
// function of its arguments.
func rankHints(catalogue []hintService, f hintFacts, limit int) []Hint {
	out := []Hint{}
	if f.status == StatusFormer {
		return out
	}
	codes := make(map[int64]string, len(catalogue))
	for _, sv := range catalogue {
		codes[sv.id] = sv.code
	}
	today := dateOf(f.now)
	years := 0
	if f.status == StatusActive {
		years = YearsBetween(f.clientSince, f.now)
	}
	factor := hintValueFactor(f.value) * hintLoyaltyFactor(years)
	for _, sv := range catalogue {
		if _, ok := f.held[sv.id]; ok {
			continue
		}
		history, suppressed := offerHistory(f, sv.id)
		if suppressed {
			continue
		}
		var reasons []HintReason
		signal := 0.0

		// Complements of what the client holds; prospects hold nothing.
		var best *hintComplement
		var others []string
		if f.status == StatusActive {
			for i := range sv.complements {
				c := &sv.complements[i]
				if _, ok := f.held[c.of]; !ok {
					continue
				}
				if best == nil || c.weight > best.weight || c.weight == best.weight && codes[c.of] < codes[best.of] {
					if best != nil {
						others = append(others, codes[best.of])
					}
					best = c
				} else {
					others = append(others, codes[c.of])
				}
			}
		}
		if best != nil {
			signal += best.weight + hintExtraComplement*float64(len(others))
			anchor := codes[best.of]
			since := f.held[best.of].since
			if since.IsZero() {
				since = f.clientSince
			}
			// The soonest renewal among the services it complements.
			renewOf, renewIn := int64(0), -1
			for _, c := range sv.complements {
				h, ok := f.held[c.of]
				if !ok || h.renewal.IsZero() {
					continue
				}
				d := int(math.Round(dateOf(h.renewal).Sub(today).Hours() / 24))
				if d >= 0 && d <= hintRenewalDays && (renewIn < 0 || d < renewIn || d == renewIn && codes[c.of] < codes[renewOf]) {
					renewOf, renewIn = c.of, d
				}
			}
			// "hosting for 7 years, renews in 40 days; backup complements hosting"
			held := YearsBetween(since, f.now)
			if held > 0 {
				reasons = append(reasons, HintReason{Kind: ReasonHeld, Service: anchor, Years: held})
			}
			renews := renewIn >= 0
			if renews {
				signal += hintRenewalBoost
				if renewOf == best.of && held > 0 {
					// Said with the years the service has been held.
					reasons = append(reasons, HintReason{Kind: ReasonRenews, Service: anchor, Days: renewIn})
					renews = false
				}
			}
			sort.Strings(others)
			reasons = append(reasons, HintReason{Kind: ReasonComplements, Service: sv.code, Others: append([]string{anchor}, others...)})
			if renews {
				reasons = append(reasons, HintReason{Kind: ReasonRenews, Service: codes[renewOf], Days: renewIn})
			}
		}

		// A recent interaction naming one of its keywords.
		if kw, at, ok := mentionOf(sv.keywords, f.texts, f.now); ok {
			days := daysAgo(at, f.now)
			signal += hintKeywordMax - (hintKeywordMax-hintKeywordMin)*float64(days)/hintKeywordDays
			reasons = append(reasons, HintReason{Kind: ReasonMentioned, Keyword: kw, Days: days})
		}
		if signal == 0 {
			continue
		}
		if f.status == StatusProspect {
			reasons = append([]HintReason{{Kind: ReasonProspect}}, reasons...)
		}
		reasons = append(reasons, history)
		out = append(out, Hint{
			ServiceID:   sv.id,
			ServiceCode: sv.code,
			ServiceName: sv.name,
			Pitch:       sv.pitch,
			Reason:      englishReason(reasons),
			Reasons:     reasons,
			Score:       math.Round(signal*factor*1000) / 1000,
		})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ServiceCode < out[j].ServiceCode
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// offerHistory says whether a service rests (an open lead, a recent
// decline, mention or closed lead) and otherwise how it was last offered.
func offerHistory(f hintFacts, serviceID int64) (history HintReason, suppressed bool) {
	var last *hintOffer
	for i := range f.offers {
		o := &f.offers[i]
		if o.service != serviceID {
			continue
		}
		age := daysAgo(o.at, f.now)
		switch {
		case o.kind == KindLead && o.status == InteractionOpen:
			return HintReason{}, true
		case o.kind == KindLead && !o.doneAt.IsZero() && daysAgo(o.doneAt, f.now) < hintLeadClosedDays:
			return HintReason{}, true
		case o.kind == KindHint && o.status == string(HintDeclined) && age < hintDeclineDays:
			return HintReason{}, true
		case o.kind == KindHint && (o.status == string(HintMentioned) || o.status == string(HintInterested)) && age < hintMentionDays:
			return HintReason{}, true
		}
		if o.kind == KindHint && o.status != string(HintShown) && (last == nil || o.at.After(last.at)) {
			last = o
		}
	}
	switch {
	case last == nil:
		return HintReason{Kind: ReasonNeverOffered}, false
	case last.status == string(HintDeclined):
		return HintReason{Kind: ReasonDeclined, Days: daysAgo(last.at, f.now)}, false
	}
	return HintReason{Kind: ReasonLastMentioned, Days: daysAgo(last.at, f.now)}, false
}

// mentionOf finds the newest text naming one of keywords as a whole word
// and returns the keyword that comes first in that text.
func mentionOf(keywords []string, texts []hintText, now time.Time) (string, time.Time, bool) {
	if len(keywords) == 0 {
		return "", time.Time{}, false
	}
	for _, t := range texts {
		if daysAgo(t.at, now) > hintKeywordDays {
			continue
		}
		best, at := "", -1
		for _, kw := range keywords {
			if i := wordIndex(t.text, kw); i >= 0 && (at < 0 || i < at) {
				best, at = kw, i
			}
		}
		if at >= 0 {
			return best, t.at, true
		}
	}
	return "", time.Time{}, false
}

// wordIndex returns where word first occurs in text with no letter or
// digit directly before or after it, or -1. Both are lower case already.
func wordIndex(text, word string) int {
	if word == "" {
		return -1
	}
	for i := 0; i <= len(text)-len(word); {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return -1
		}
		j += i
		end := j + len(word)
		before, _ := utf8.DecodeLastRuneInString(text[:j])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if (j == 0 || !isWordRune(before)) && (end == len(text) || !isWordRune(after)) {
			return j
		}
		_, size := utf8.DecodeRuneInString(text[j:])
		i = j + size
	}
	return -1
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// dateOf is midnight UTC of t's calendar date in t's location, the form
// stored dates are read in.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// daysAgo counts whole days from at to now; never negative.
func daysAgo(at, now time.Time) int {
	if at.After(now) {
		return 0
	}
	return int(now.Sub(at).Hours() / 24)
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// agoText says how long ago in words a receptionist reads at a glance.
func agoText(days int) string {
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "yesterday"
	case days < 60:
		return plural(days, "day") + " ago"
	case days < 730:
		return plural(days/30, "month") + " ago"
	}
	return plural(days/365, "year") + " ago"
}

// inDays says when, for a date days from today.
func inDays(days int) string {
	switch days {
	case 0:
		return "today"
	case 1:
		return "tomorrow"
	}
	return "in " + plural(days, "day")
}
