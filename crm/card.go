package crm

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CallingFor is the employee a caller tried to reach and what they are to
// the caller's organisation.
type CallingFor struct {
	Employee Employee
	// Relation says it in English, e.g. "account manager", "engineer,
	// last in touch 12 days ago"; the fields below say the same for a
	// screen to put in its own language.
	Relation string
	// AccountManager is set when the employee manages the organisation's
	// account.
	AccountManager bool
	// InTouchDaysAgo is how many days ago the employee last wrote or was
	// given something about the organisation; -1 when never, or when
	// AccountManager is set.
	InTouchDaysAgo int
}

// Card is everything a receptionist needs before picking up.
type Card struct {
	Call         Call
	Recognition  Recognition
	CallingFor   *CallingFor
	Services     []Subscription // active subscriptions
	History      []Interaction  // newest first, at most CardHistory; not the call's own entry
	OpenRequests []Interaction  // open callbacks and leads, oldest first
	Hints        []Hint
}

// CardHistory is how many past interactions a card shows.
const CardHistory = 10

// Card assembles the caller card for a call, found as CallByRef finds it.
// The caller is recognised afresh, so a contact added after the call rang
// shows on a reopened card.
func (s *Store) Card(ctx context.Context, ref string) (Card, error) {
	call, err := s.CallByRef(ctx, ref)
	if err != nil {
		return Card{}, err
	}
	return s.CardForCall(ctx, call)
}

// CardForCall assembles the card for a call already read. Its parts are
// read one statement at a time, not in one read transaction: measured on
// the demo register, a transaction made a card 10% slower (database/sql
// rebinds every cached statement to it), and a part read a moment later
// than another is as current as a screen needs. A card is assembled to
// the end once begun, even if ctx is cancelled meanwhile (shortRead).
func (s *Store) CardForCall(ctx context.Context, call Call) (Card, error) {
	ctx = shortRead(ctx)
	card := Card{Call: call, Hints: []Hint{}}
	from := call.From.Raw
	if from == "" {
		from = call.From.E164
	}
	r, err := s.Recognise(ctx, from)
	if err != nil {
		return Card{}, err
	}
	card.Recognition = r
	org := r.CommonOrganisation()
	if call.CallingForID != 0 {
		e, err := s.Employee(ctx, call.CallingForID)
		if err != nil && ErrorCode(err) != CodeNotFound {
			return Card{}, err
		}
		if err == nil {
			cf := &CallingFor{Employee: e, Relation: roleText(e.Role), InTouchDaysAgo: -1}
			if org != nil {
				if err = s.relation(ctx, cf, *org); err != nil {
					return Card{}, err
				}
			}
			card.CallingFor = cf
		}
	}
	if org == nil {
		return card, nil
	}
	subs, err := s.Subscriptions(ctx, org.ID)
	if err != nil {
		return Card{}, err
	}
	for _, sub := range subs {
		if sub.Status == SubscriptionActive {
			card.Services = append(card.Services, sub)
		}
	}
	history, err := s.Interactions(ctx, org.ID, CardHistory+1)
	if err != nil {
		return Card{}, err
	}
	card.History = historyBefore(history, call.ID)
	if len(card.History) > CardHistory {
		card.History = card.History[:CardHistory]
	}
	if card.OpenRequests, err = s.OpenRequests(ctx, org.ID); err != nil {
		return Card{}, err
	}
	if card.Hints, err = s.rankedHints(ctx, org.ID, cardHintFacts(s.now(), org, subs), DefaultHintLimit); err != nil {
		return Card{}, err
	}
	return card, nil
}

// historyBefore leaves out the entry of the call itself ("Incoming call
// from …"), which says nothing the card does not: the history on a card is
// what happened before the call, and what was noted during it.
func historyBefore(history []Interaction, callID int64) []Interaction {
	id := strconv.FormatInt(callID, 10)
	return slices.DeleteFunc(history, func(it Interaction) bool { return it.Kind == KindCall && it.CallID == id })
}

// roleText is a role as a receptionist would say it.
func roleText(r Role) string { return strings.ReplaceAll(string(r), "_", " ") }

// relation says what an employee is to an organisation: their account
// manager, or the last time they were in touch.
func (s *Store) relation(ctx context.Context, cf *CallingFor, org Organisation) error {
	e := cf.Employee
	if org.AccountManagerID == e.ID {
		cf.Relation, cf.AccountManager = "account manager", true
		return nil
	}
	var last *int64
	err := s.read.QueryRowContext(ctx, `SELECT max(occurred_at) FROM interactions
		WHERE organisation_id = ? AND (author_id = ?2 OR assignee_id = ?2)`, org.ID, e.ID).Scan(&last)
	if err != nil {
		return internal(err, "reading relation")
	}
	if last == nil {
		return nil
	}
	days := max(int(s.now().Sub(time.UnixMilli(*last)).Hours()/24), 0)
	cf.InTouchDaysAgo = days
	switch days {
	case 0:
		cf.Relation += ", in touch today"
	case 1:
		cf.Relation += ", in touch yesterday"
	default:
		cf.Relation += ", last in touch " + strconv.Itoa(days) + " days ago"
	}
	return nil
}
