package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// console is the receptionist's screen: ringing calls stack on the left,
// today's calls on the right, live over Server-Sent Events.
//
// A screen opened (or reloaded) while calls are under way starts with their
// cards, and its live stream resumes from the newest event committed before
// the page was read, so that nothing that happens in between is missed.
func (s *Server) console(c echo.Context) error {
	last, err := s.cfg.Store.LastLiveEventID(c.Request().Context())
	if err != nil {
		return err
	}
	calls, err := s.todaysCallRows(c)
	if err != nil {
		return err
	}
	me := sessionOf(c).User.EmployeeID
	now := s.cfg.Now()
	var open []int64
	for i := len(calls) - 1; i >= 0; i-- { // oldest first: each new card goes on top
		if stillOpen(calls[i].Call, me, now) {
			open = append(open, calls[i].ID)
		}
	}
	return s.render(c, http.StatusOK, "console", callsData{Calls: calls, LastEventID: last, Open: open})
}

// How long a call without a later event counts as still ringing, or still
// under way once answered, for a screen that opens: telephone systems do
// not always report the end of a call.
const (
	stillRingingFor  = 2 * time.Minute
	stillAnsweredFor = time.Hour
)

// stillOpen tells whether a screen that opens now shows call's card, as a
// screen open all along would: it rings or is being answered, or the
// receptionist me took it and has not marked it handled.
func stillOpen(call crm.Call, me int64, now time.Time) bool {
	if !call.HandledAt.IsZero() {
		return false
	}
	if me != 0 && call.TakenByID == me {
		return true
	}
	since := call.RingingAt
	if since.IsZero() {
		since = call.CreatedAt
	}
	switch call.Status {
	case crm.CallRinging:
		return now.Sub(since) <= stillRingingFor
	case crm.CallAnswered:
		return now.Sub(since) <= stillAnsweredFor
	default:
		return false
	}
}

type callsData struct {
	Calls []callRow
	// LastEventID is where the screen's live stream starts; Open are the
	// calls whose cards it loads at once, oldest first (console page only).
	LastEventID int64
	Open        []int64
}

// callRow is one line in today's calls.
type callRow struct {
	crm.Call
	Name    string
	Number  string
	TakenBy string
}

func (s *Server) todaysCallRows(c echo.Context) ([]callRow, error) {
	ctx := c.Request().Context()
	calls, err := s.cfg.Store.TodaysCalls(ctx, s.cfg.Location, 200)
	if err != nil {
		return nil, err
	}
	rows := make([]callRow, 0, len(calls))
	for _, cs := range calls {
		call := cs.Call
		rows = append(rows, callRow{Call: call, Name: cs.Live.DisplayName, Number: firstNonEmpty(call.From.National, call.From.E164, call.From.Raw),
			TakenBy: cs.Live.TakenByName})
	}
	return rows, nil
}

func (s *Server) todaysCalls(c echo.Context) error {
	calls, err := s.todaysCallRows(c)
	if err != nil {
		return err
	}
	return s.renderFragment(c, http.StatusOK, "console", "calls", callsData{Calls: calls})
}

// cardData is what the card template shows.
type cardData struct {
	Card            crm.Card
	Call            crm.Call
	Rec             crm.Recognition
	Org             *crm.Organisation
	Contact         *crm.Contact
	Number          string
	Years           int
	TakenBy         string
	TakenByMe       bool
	QuickAdd        bool
	Employees       []crm.Employee
	DefaultAssignee int64
	Flash           string
}

func (s *Server) callParam(c echo.Context) (crm.Call, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return crm.Call{}, crm.Errorf(crm.CodeNotFound, "call", "no such call")
	}
	return s.cfg.Store.CallByRef(c.Request().Context(), strconv.FormatInt(id, 10))
}

// cardFragment renders one caller card for the console script.
func (s *Server) cardFragment(c echo.Context) error {
	call, err := s.callParam(c)
	if err != nil {
		return err
	}
	if err := s.audit(c, crm.AuditCardOpened, "call", call.ID); err != nil {
		return err
	}
	return s.renderCard(c, call, "")
}

func (s *Server) renderCard(c echo.Context, call crm.Call, flash string) error {
	ctx := c.Request().Context()
	card, err := s.cfg.Store.CardForCall(ctx, call)
	if err != nil {
		return err
	}
	d := cardData{Card: card, Call: card.Call, Rec: card.Recognition, Org: card.Recognition.CommonOrganisation(),
		Contact: card.Recognition.Contact, Flash: flash,
		Number: firstNonEmpty(card.Recognition.Number.National, card.Call.From.National, card.Call.From.Raw)}
	// Choosing among ambiguous candidates shows that candidate's card.
	if v := c.QueryParam("candidate"); v != "" && d.Rec.Match == crm.MatchAmbiguous {
		if i, err := strconv.Atoi(v); err == nil && i >= 0 && i < len(d.Rec.Candidates) {
			cand := d.Rec.Candidates[i]
			d.Rec.Match, d.Rec.Contact, d.Rec.Organisation, d.Rec.Employee = cand.Match, cand.Contact, cand.Organisation, cand.Employee
			d.Org, d.Contact = cand.Organisation, cand.Contact
		}
	}
	if d.Org != nil {
		d.Years = crm.YearsBetween(d.Org.ClientSince, s.now())
	}
	d.QuickAdd = d.Rec.Match == crm.MatchUnknown && d.Rec.Number.E164 != "" || d.Rec.Match == crm.MatchNumberRange
	me := sessionOf(c).User
	if call.TakenByID != 0 {
		d.TakenByMe = call.TakenByID == me.EmployeeID
		if e, err := s.cfg.Store.Employee(ctx, call.TakenByID); err == nil {
			d.TakenBy = e.Name
		}
	}
	if d.Org != nil {
		if d.Employees, err = s.cfg.Store.Employees(ctx); err != nil {
			return err
		}
		// A callback goes to whom they were trying to reach, else to the
		// account manager.
		switch {
		case card.CallingFor != nil:
			d.DefaultAssignee = card.CallingFor.Employee.ID
		case d.Org.AccountManagerID != 0:
			d.DefaultAssignee = d.Org.AccountManagerID
		}
	}
	return s.renderFragment(c, http.StatusOK, "console", "card", d)
}

// takeCall is "I'll take it": every other screen shows who did.
func (s *Server) takeCall(c echo.Context) error {
	return s.callAction(c, s.cfg.Store.TakeCall)
}

// handledCall moves a call off the live stack.
func (s *Server) handledCall(c echo.Context) error {
	return s.callAction(c, s.cfg.Store.HandleCall)
}

func (s *Server) callAction(c echo.Context, act func(ctx context.Context, callID, employeeID int64) (crm.LiveEvent, error)) error {
	call, err := s.callParam(c)
	if err != nil {
		return err
	}
	ev, err := act(c.Request().Context(), call.ID, sessionOf(c).User.EmployeeID)
	if err != nil {
		return err
	}
	s.cfg.Publish(ev)
	call, err = s.cfg.Store.CallByRef(c.Request().Context(), strconv.FormatInt(call.ID, 10))
	if err != nil {
		return err
	}
	return s.renderCard(c, call, "")
}

// addNote saves a note on the caller's history.
func (s *Server) addNote(c echo.Context) error {
	call, orgID, contactID, err := s.callerOf(c)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Store.AddInteraction(c.Request().Context(), crm.InteractionInput{OrganisationID: orgID,
		ContactID: contactID, Kind: crm.KindNote, AuthorID: sessionOf(c).User.EmployeeID,
		CallID: strconv.FormatInt(call.ID, 10), Summary: c.FormValue("summary")}); err != nil {
		return err
	}
	return s.renderCard(c, call, s.t(c, "card.note_saved"))
}

// quickAdd adds an unknown caller (or one from a number range) to the
// register, so the next call from this number is recognised.
func (s *Server) quickAdd(c echo.Context) error {
	ctx := c.Request().Context()
	call, err := s.callParam(c)
	if err != nil {
		return err
	}
	company := strings.TrimSpace(c.FormValue("company"))
	var orgID int64
	if company != "" {
		org, err := s.cfg.Store.OrganisationByName(ctx, company)
		if crm.ErrorCode(err) == crm.CodeNotFound {
			org, err = s.cfg.Store.CreateOrganisation(ctx, crm.OrganisationInput{Name: company, Status: crm.StatusProspect})
		}
		if err != nil {
			return err
		}
		orgID = org.ID
	}
	number := firstNonEmpty(call.From.E164, call.From.Raw)
	if _, err := s.cfg.Store.CreateContact(ctx, crm.ContactInput{OrganisationID: orgID, Name: c.FormValue("name"),
		JobTitle: c.FormValue("job_title"), Numbers: []crm.NumberInput{{Raw: number}}}); err != nil {
		return err
	}
	return s.renderCard(c, call, s.t(c, "card.contact_saved"))
}

// organisationOptions feeds the company autocomplete of the quick-add form.
func (s *Server) organisationOptions(c echo.Context) error {
	orgs, err := s.cfg.Store.SearchOrganisations(c.Request().Context(), c.QueryParam("q"), 10)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(orgs))
	for _, o := range orgs {
		names = append(names, o.Name)
	}
	return c.JSON(http.StatusOK, names)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
