package crm

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"time"
)

// hintTextLimit bounds how many recent interactions Hints reads for
// keywords, so that a client who rings all day costs no more than one who
// rings twice a year.
const hintTextLimit = 200

// Hints ranks the services worth mentioning to organisationID's callers,
// best first, at most limit (0 or less: DefaultHintLimit). It reads the
// organisation and its subscriptions, the catalogue with its complements,
// and the organisation's recent and commercial history: three indexed
// queries, cheap enough for every card.
//
// Which services: those the organisation does not hold actively. A former
// client gets no hints at all: the conversation to have is about why they
// left, not what else to buy. A prospect holds nothing, so its hints come
// only from keywords.
//
// A service rests, and is not hinted, while
//   - a lead for it is open (someone is already following up),
//   - a lead for it was closed, won or lost, in the last 180 days,
//   - a hint for it was declined in the last 180 days,
//   - a hint for it was mentioned (or met interest) in the last 30 days.
//
// A hint that was only shown on a screen rests nothing.
//
// The score is the sum of the signals, times two factors of the client:
//
//	complement  weight of the strongest held service it complements (0-1),
//	            +0.1 for each further held service it complements
//	renewal     +0.5 when one of those held services renews within 60 days
//	keyword     +1.0 to +0.5 when an interaction of the last 90 days names one
//	            of its keywords as a whole word, in any case: 1.0 today, 0.5 at
//	            90 days (hint and lead entries, and calls the system logged
//	            itself, are not read: they are our words, not the client's)
//	× value     1.0 below €5,000 a year, 1.1 below €20,000, 1.2 below €50,000, 1.3 above
//	× loyalty   1 + 0.03 per whole year as a client, at most 1.3
//
// A service with no signal is no hint. Ties go by service code, so the
// order is deterministic. The Reason names the facts behind the signals
// and how the service was offered before ("never offered", "declined 7
// months ago"); value and loyalty scale every hint of a caller alike and
// are on the card already, so the reason leaves them out, except the years
// the complemented service has been held.
func (s *Store) Hints(ctx context.Context, organisationID int64, limit int) ([]Hint, error) {
	f := hintFacts{now: s.now(), held: map[int64]hintHeld{}}
	if err := s.hintOrganisation(ctx, organisationID, &f); err != nil {
		return nil, err
	}
	return s.rankedHints(ctx, organisationID, f, limit)
}

// rankedHints ranks the catalogue for an organisation whose own facts (its
// status, value, years as a client and what it holds) are in f, after
// reading what it was offered and what was said.
func (s *Store) rankedHints(ctx context.Context, organisationID int64, f hintFacts, limit int) ([]Hint, error) {
	if limit <= 0 {
		limit = DefaultHintLimit
	}
	if f.status == StatusFormer {
		return []Hint{}, nil
	}
	catalogue, err := s.hintCatalogue(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.hintHistory(ctx, organisationID, &f); err != nil {
		return nil, err
	}
	return rankHints(catalogue, f, limit), nil
}

// cardHintFacts are the facts hintOrganisation reads, taken from what a
// card has read already: the organisation as recognised and all its
// subscriptions. A card then makes one query fewer, and every query is a
// chance to meet one of the VM's stalls (docs/performance.md, "Why the
// card p99 straddles 1 ms").
func cardHintFacts(now time.Time, org *Organisation, subs []Subscription) hintFacts {
	f := hintFacts{now: now, status: org.Status, clientSince: org.ClientSince, value: org.AnnualValue, held: map[int64]hintHeld{}}
	if org.Status == StatusProspect {
		return f // as hintOrganisation: prospects hold nothing
	}
	for _, sub := range subs {
		if sub.Status == SubscriptionActive {
			f.held[sub.ServiceID] = hintHeld{since: sub.Since, renewal: sub.RenewalDate}
		}
	}
	return f
}

// hintOrganisation reads the organisation and what it holds actively.
func (s *Store) hintOrganisation(ctx context.Context, id int64, f *hintFacts) error {
	rows, err := s.read.QueryContext(ctx, `SELECT o.status, o.client_since, o.annual_value_cents,
		coalesce(sub.service_id, 0), sub.since, sub.renewal_date
		FROM organisations o LEFT JOIN subscriptions sub ON sub.organisation_id = o.id AND sub.status = 'active'
		WHERE o.id = ?`, id)
	if err != nil {
		return internal(err, "reading organisation for hints")
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var since, subSince, renewal sql.NullString
		var serviceID int64
		if err := rows.Scan(&f.status, &since, &f.value, &serviceID, &subSince, &renewal); err != nil {
			return internal(err, "reading organisation for hints")
		}
		found = true
		f.clientSince = scanDate(since)
		if serviceID != 0 {
			f.held[serviceID] = hintHeld{since: scanDate(subSince), renewal: scanDate(renewal)}
		}
	}
	if err := rows.Err(); err != nil {
		return internal(err, "reading organisation for hints")
	}
	if !found {
		return Errorf(CodeNotFound, "organisation", "no organisation with id %d", id)
	}
	if f.status == StatusProspect {
		// Prospects hold nothing; a stray subscription row must not make
		// complements speak for them.
		clear(f.held)
	}
	return nil
}

// hintCatalogue returns every service with its complements: the one kept
// in memory while the catalogue's version is unchanged, else read afresh.
// The version is read first, so a catalogue read under an older version
// is never kept as a newer one. The slice is shared and read-only.
func (s *Store) hintCatalogue(ctx context.Context) ([]hintService, error) {
	var version int64
	if err := s.read.QueryRowContext(ctx, `SELECT version FROM catalogue_version`).Scan(&version); err != nil {
		return nil, internal(err, "reading catalogue version")
	}
	if services, ok := s.catalogue.get(version); ok {
		return services, nil
	}
	services, err := s.readCatalogue(ctx)
	if err != nil {
		return nil, err
	}
	s.catalogue.put(version, services)
	return services, nil
}

// readCatalogue reads every service with its complements in one query.
func (s *Store) readCatalogue(ctx context.Context) ([]hintService, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT s.id, s.code, s.name, s.pitch, s.keywords,
		coalesce(c.complement_of, 0), coalesce(c.weight, 0)
		FROM services s LEFT JOIN service_complements c ON c.service_id = s.id
		ORDER BY s.code, c.complement_of`)
	if err != nil {
		return nil, internal(err, "reading catalogue for hints")
	}
	defer rows.Close()
	var out []hintService
	for rows.Next() {
		var sv hintService
		var keywords string
		var c hintComplement
		if err := rows.Scan(&sv.id, &sv.code, &sv.name, &sv.pitch, &keywords, &c.of, &c.weight); err != nil {
			return nil, internal(err, "reading catalogue for hints")
		}
		if n := len(out); n == 0 || out[n-1].id != sv.id {
			sv.keywords = strings.Fields(strings.ToLower(keywords))
			out = append(out, sv)
		}
		if c.of != 0 {
			last := &out[len(out)-1]
			last.complements = append(last.complements, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading catalogue for hints")
	}
	return out, nil
}

// catalogueCache keeps the hint catalogue of one catalogue version.
type catalogueCache struct {
	mu       sync.Mutex
	loaded   bool
	version  int64
	services []hintService
}

func (c *catalogueCache) get(version int64) ([]hintService, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.services, c.loaded && c.version == version
}

func (c *catalogueCache) put(version int64, services []hintService) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded || version >= c.version {
		c.loaded, c.version, c.services = true, version, services
	}
}

// hintHistory reads the organisation's words of the last 90 days (newest
// first, at most hintTextLimit) and every lead and every hint said to it
// (a hint only shown changes nothing, and a busy client collects many).
func (s *Store) hintHistory(ctx context.Context, organisationID int64, f *hintFacts) error {
	since := f.now.Add(-hintKeywordDays * 24 * time.Hour).UnixMilli()
	rows, err := s.read.QueryContext(ctx, `SELECT * FROM (SELECT kind, occurred_at, 0, '', NULL, summary FROM interactions
			WHERE organisation_id = ?1 AND occurred_at >= ?2 AND kind NOT IN ('hint', 'lead') AND summary <> ''
			AND NOT (kind = 'call' AND author_id IS NULL)
			ORDER BY occurred_at DESC LIMIT ?3)
		UNION ALL
		SELECT kind, occurred_at, coalesce(service_id, 0), status, done_at, '' FROM interactions
			WHERE organisation_id = ?1 AND kind IN ('hint', 'lead') AND NOT (kind = 'hint' AND status = 'shown')`,
		organisationID, since, hintTextLimit)
	if err != nil {
		return internal(err, "reading history for hints")
	}
	defer rows.Close()
	for rows.Next() {
		var kind InteractionKind
		var at, serviceID int64
		var status, summary string
		var done sql.NullInt64
		if err := rows.Scan(&kind, &at, &serviceID, &status, &done, &summary); err != nil {
			return internal(err, "reading history for hints")
		}
		if kind == KindHint || kind == KindLead {
			if serviceID != 0 {
				f.offers = append(f.offers, hintOffer{kind: kind, at: time.UnixMilli(at).UTC(), service: serviceID,
					status: status, doneAt: millis(done)})
			}
			continue
		}
		f.texts = append(f.texts, hintText{at: time.UnixMilli(at).UTC(), text: strings.ToLower(summary)})
	}
	if err := rows.Err(); err != nil {
		return internal(err, "reading history for hints")
	}
	return nil
}

// HintOutcomeInput is what a receptionist did with a hint.
type HintOutcomeInput struct {
	OrganisationID int64 // may be 0 when ContactID is given
	ContactID      int64 // the caller, if known
	ServiceID      int64 // the service, by id or by code
	ServiceCode    string
	Outcome        HintOutcome
	AuthorID       int64 // the receptionist
	CallID         string
	Note           string // what the caller said, for the account manager
}

// RecordHintOutcome records what happened with a hint as a 'hint'
// interaction whose status is the outcome. "interested" also opens, in the
// same transaction, a lead for the service, assigned to the organisation's
// account manager or, without one, to the service manager with the fewest
// open requests; CodeConflict if there is neither. When a lead for the
// service is open already, no second one is opened. It returns the hint
// entry; the lead shows in OpenRequests and OpenWork, with the hint as its
// OriginID. A "shown" for a service already recorded in the same call
// (same CallID) records nothing and returns the earlier entry, so a card
// reopened during a call does not fill the history.
func (s *Store) RecordHintOutcome(ctx context.Context, in HintOutcomeInput) (Interaction, error) {
	outcome, err := ParseHintOutcome("outcome", string(in.Outcome))
	if err != nil {
		return Interaction{}, err
	}
	note, err := cleanNote(in.Note)
	if err != nil {
		return Interaction{}, err
	}
	in.CallID = strings.TrimSpace(in.CallID)
	var out Interaction
	err = s.inTx(ctx, func(tx *txn) error {
		org, err := requestTarget(ctx, tx, in.OrganisationID, in.ContactID)
		if err != nil {
			return err
		}
		sv, err := serviceRef(ctx, tx, in.ServiceID, in.ServiceCode)
		if err != nil {
			return err
		}
		if outcome == HintShown && in.CallID != "" {
			// A card shown again in the same call records nothing new.
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM interactions WHERE organisation_id = ? AND kind = 'hint'
				AND service_id = ? AND call_id = ? ORDER BY id LIMIT 1`, org.id, sv.id, in.CallID).Scan(&id)
			if err == nil {
				out, err = readInteraction(ctx, tx, id)
				return err
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return internal(err, "reading hints")
			}
		}
		now := s.now()
		hint := InteractionInput{OrganisationID: org.id, ContactID: in.ContactID, Kind: KindHint, OccurredAt: now,
			AuthorID: in.AuthorID, ServiceID: sv.id, CallID: in.CallID, Status: string(outcome),
			Summary: withNote(s.words.hintSummary(outcome, sv.name), note)}
		if err := hint.validate(); err != nil {
			return err
		}
		hintID, err := addInteraction(ctx, tx, hint)
		if err != nil {
			return err
		}
		if outcome == HintInterested {
			if err := openLead(ctx, tx, org, in, sv, hintID, note, now); err != nil {
				return err
			}
		}
		out, err = readInteraction(ctx, tx, hintID)
		return err
	})
	if err != nil {
		return Interaction{}, err
	}
	return out, nil
}

// openLead opens the lead an interested caller gives, unless one for the
// service is open already.
func openLead(ctx context.Context, tx *txn, org requestOrg, in HintOutcomeInput, sv serviceName, hintID int64, note string, now time.Time) error {
	var open int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM interactions
		WHERE organisation_id = ? AND kind = 'lead' AND status = 'open' AND service_id = ?`, org.id, sv.id).Scan(&open); err != nil {
		return internal(err, "checking open leads")
	}
	if open > 0 {
		return nil
	}
	assignee, err := leadAssignee(ctx, tx, org)
	if err != nil {
		return err
	}
	who := org.contactName
	if who == "" {
		who = "The caller"
	}
	lead := InteractionInput{OrganisationID: org.id, ContactID: in.ContactID, Kind: KindLead, OccurredAt: now,
		AuthorID: in.AuthorID, AssigneeID: assignee, ServiceID: sv.id, CallID: in.CallID, Status: InteractionOpen,
		Summary: withNote(who+" is interested in "+sv.name, note)}
	if err := lead.validate(); err != nil {
		return err
	}
	leadID, err := addInteraction(ctx, tx, lead)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE interactions SET origin_id = ? WHERE id = ?`, hintID, leadID); err != nil {
		return internal(err, "saving lead")
	}
	return nil
}

// leadAssignee is whoever follows up interest at org: its account manager,
// else the service manager with the fewest open requests.
func leadAssignee(ctx context.Context, tx *txn, org requestOrg) (int64, error) {
	if org.accountManagerID != 0 {
		return org.accountManagerID, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT e.id FROM employees e WHERE e.role = 'service_manager'
		ORDER BY (SELECT count(*) FROM interactions i WHERE i.assignee_id = e.id AND i.status = 'open'), e.id
		LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, Errorf(CodeConflict, "assignee",
			"%s has no account manager and there is no service manager to follow up the interest", org.name)
	}
	if err != nil {
		return 0, internal(err, "finding someone to follow up")
	}
	return id, nil
}

// serviceName is a service as a request names it.
type serviceName struct {
	id         int64
	code, name string
}

// serviceRef finds a service by id, or else by code.
func serviceRef(ctx context.Context, tx *txn, id int64, code string) (serviceName, error) {
	code = strings.ToLower(strings.TrimSpace(code))
	if id == 0 && code == "" {
		return serviceName{}, Errorf(CodeInvalid, "service", "no service given")
	}
	var sv serviceName
	err := tx.QueryRowContext(ctx, `SELECT id, code, name FROM services WHERE id = ? OR (? = 0 AND code = ?)`,
		id, id, code).Scan(&sv.id, &sv.code, &sv.name)
	if errors.Is(err, sql.ErrNoRows) {
		if id != 0 {
			return serviceName{}, Errorf(CodeInvalid, "service", "no service with id %d", id)
		}
		return serviceName{}, Errorf(CodeInvalid, "service", "no service with code %q", code)
	}
	if err != nil {
		return serviceName{}, internal(err, "finding service")
	}
	return sv, nil
}
