package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// Insight is what the commercial insight routes need of the register.
type Insight interface {
	Hints(ctx context.Context, organisationID int64, limit int) ([]crm.Hint, error)
	OpenWork(ctx context.Context, employeeID int64) ([]crm.Interaction, error)
	CompleteWork(ctx context.Context, interactionID, byEmployeeID int64, note string) error
	CareList(ctx context.Context, opt crm.CareOptions) ([]crm.CareItem, error)
	Dashboard(ctx context.Context, from, to time.Time) (crm.DashboardFigures, error)
}

// registerInsight adds the commercial insight routes to the authenticated
// group, with the same roles as the console's pages:
//
//	GET  /organisations/:id/hints   everyone signed in
//	GET  /work                      everyone signed in: their own callbacks and leads
//	POST /work/:id/done             everyone signed in: one of their own
//	GET  /care?days=                account and service managers
//	GET  /dashboard?from=&to=       account and service managers
//
// (admins always pass). These routes answer people, not telephone systems:
// only a signed-in user's session is accepted, and an API token gets 403.
// A token stands for a PBX; it needs to look callers up and post call
// events, not to read the firm's revenue, whose work is open or which
// clients are worth a call. Least privilege keeps a leaked PBX token from
// reading commercial figures, and "my work" only has a meaning for a person.
func (s *Server) registerInsight(g *echo.Group) {
	managers := requireUser(crm.RoleAccountManager, crm.RoleServiceManager)
	everyone := requireUser(crm.Roles...)
	g.GET("/organisations/:id/hints", s.hints, everyone)
	g.GET("/work", s.myWork, everyone)
	g.POST("/work/:id/done", s.workDone, everyone)
	g.GET("/care", s.careList, managers)
	g.GET("/dashboard", s.dashboard, managers)
}

// requireUser lets through only signed-in users with one of roles (admins
// always); it runs after requireAuth.
func requireUser(roles ...crm.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p, _ := PrincipalOf(c)
			if p.Kind != "user" {
				return crm.Errorf(crm.CodeForbidden, "authorization",
					"this route is for signed-in people only; an API token can't use it")
			}
			if p.Role == crm.RoleAdmin {
				return next(c)
			}
			for _, r := range roles {
				if p.Role == r {
					return next(c)
				}
			}
			return crm.Errorf(crm.CodeForbidden, "role", "your role can't use this route")
		}
	}
}

// location is the firm's time zone for calendar days.
func (s *Server) location() *time.Location {
	if s.cfg.Location != nil {
		return s.cfg.Location
	}
	return amsterdam
}

// amsterdam is the default time zone; UTC if the zone database is missing.
var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// hints answers GET /api/v1/organisations/{id}/hints?limit=.
func (s *Server) hints(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return crm.Errorf(crm.CodeNotFound, "organisation", "no such organisation")
	}
	limit := crm.DefaultHintLimit
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			return crm.Errorf(crm.CodeInvalid, "limit", "limit must be a whole number from 1 to 50")
		}
		limit = n
	}
	hs, err := s.cfg.Insight.Hints(c.Request().Context(), id, limit)
	if err != nil {
		return err
	}
	out := make([]HintView, 0, len(hs))
	for _, h := range hs {
		out = append(out, hintView(h))
	}
	return c.JSON(http.StatusOK, map[string]any{"organisation_id": id, "hints": out})
}

// WorkItemView is an open callback or lead.
type WorkItemView struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	OccurredAt   time.Time `json:"occurred_at"`
	AgeDays      int       `json:"age_days"`
	Organisation IDName    `json:"organisation"`
	Contact      *IDName   `json:"contact,omitempty"`
	Service      string    `json:"service,omitempty"`
	Author       string    `json:"author,omitempty"`
	Summary      string    `json:"summary"`
}

// IDName is a reference to something by id, with its name for display.
type IDName struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// myWork answers GET /api/v1/work: the caller's open callbacks and leads,
// oldest first.
func (s *Server) myWork(c echo.Context) error {
	p, _ := PrincipalOf(c)
	out := []WorkItemView{}
	if p.EmployeeID != 0 {
		work, err := s.cfg.Insight.OpenWork(c.Request().Context(), p.EmployeeID)
		if err != nil {
			return err
		}
		now := s.now()
		for _, in := range work {
			v := WorkItemView{ID: in.ID, Kind: string(in.Kind), OccurredAt: in.OccurredAt,
				Organisation: IDName{ID: in.OrganisationID, Name: in.OrganisationName},
				Service:      in.ServiceCode, Author: in.AuthorName, Summary: in.Summary}
			if now.After(in.OccurredAt) {
				v.AgeDays = int(now.Sub(in.OccurredAt).Hours() / 24)
			}
			if in.ContactID != 0 {
				v.Contact = &IDName{ID: in.ContactID, Name: in.ContactName}
			}
			out = append(out, v)
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"work": out})
}

// workDoneBody is the optional body of POST /api/v1/work/{id}/done.
type workDoneBody struct {
	Note string `json:"note"`
}

// workDone answers POST /api/v1/work/{id}/done: marks one of the caller's
// own open callbacks or leads done. The body must be JSON (it may be
// empty): browsers can't send that cross-site without a CORS preflight,
// which nothing here allows, so a signed-in browser can't be made to post
// it from another site (the session cookie is SameSite=Lax as well).
func (s *Server) workDone(c echo.Context) error {
	if err := requireContentType(c, echo.MIMEApplicationJSON); err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var in workDoneBody
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return crm.Errorf(crm.CodeInvalid, "", "the body is not a JSON object with an optional \"note\"")
		}
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return crm.Errorf(crm.CodeNotFound, "interaction", "no such callback or lead")
	}
	p, _ := PrincipalOf(c)
	ctx := c.Request().Context()
	mine := false
	if p.EmployeeID != 0 {
		work, err := s.cfg.Insight.OpenWork(ctx, p.EmployeeID)
		if err != nil {
			return err
		}
		for _, w := range work {
			mine = mine || w.ID == id
		}
	}
	if !mine {
		return crm.Errorf(crm.CodeNotFound, "interaction", "this is not one of your open callbacks or leads; it may be done already")
	}
	if err := s.cfg.Insight.CompleteWork(ctx, id, p.EmployeeID, in.Note); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "status": crm.InteractionDone})
}

// CareItemView is a client worth a check-in call.
type CareItemView struct {
	Organisation     IDName   `json:"organisation"`
	AnnualValueEUR   string   `json:"annual_value_eur"`
	ClientSince      string   `json:"client_since,omitempty"`
	YearsAsClient    int      `json:"years_as_client"`
	AccountManager   *IDName  `json:"account_manager,omitempty"`
	LastContact      *string  `json:"last_contact"` // RFC 3339; null if never
	DaysSinceContact *int     `json:"days_since_contact"`
	Services         []string `json:"services"`
}

// careList answers GET /api/v1/care?days=&limit=.
func (s *Server) careList(c echo.Context) error {
	opt := crm.CareOptions{Days: 90, Limit: 50}
	if v := c.QueryParam("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3650 {
			return crm.Errorf(crm.CodeInvalid, "days", "days must be a whole number from 1 to 3650")
		}
		opt.Days = n
	}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return crm.Errorf(crm.CodeInvalid, "limit", "limit must be a whole number from 1 to 500")
		}
		opt.Limit = n
	}
	items, err := s.cfg.Insight.CareList(c.Request().Context(), opt)
	if err != nil {
		return err
	}
	out := make([]CareItemView, 0, len(items))
	for _, it := range items {
		v := CareItemView{Organisation: IDName{ID: it.OrganisationID, Name: it.OrganisationName},
			AnnualValueEUR: it.AnnualValue.String(), YearsAsClient: it.Years, Services: it.Services}
		if v.Services == nil {
			v.Services = []string{}
		}
		if !it.ClientSince.IsZero() {
			v.ClientSince = it.ClientSince.Format(crm.DateLayout)
		}
		if it.AccountManagerID != 0 {
			v.AccountManager = &IDName{ID: it.AccountManagerID, Name: it.AccountManagerName}
		}
		if it.DaysSinceContact >= 0 {
			last, days := it.LastContact.Format(time.RFC3339), it.DaysSinceContact
			v.LastContact, v.DaysSinceContact = &last, &days
		}
		out = append(out, v)
	}
	return c.JSON(http.StatusOK, map[string]any{"days": opt.Days, "clients": out})
}

// DashboardView is the dashboard's figures. Money is in whole or decimal
// euros as a string, as everywhere in the API.
type DashboardView struct {
	From            string             `json:"from"`
	To              string             `json:"to"`
	CallsPerDay     []DayCountView     `json:"calls_per_day"`
	Calls           int                `json:"calls"`
	Recognised      int                `json:"recognised"`
	Unknown         int                `json:"unknown"`
	Withheld        int                `json:"withheld"`
	RecognitionRate float64            `json:"recognition_rate"` // percent, withheld left out
	Funnel          FunnelView         `json:"hint_funnel"`
	LeadsWon        int                `json:"leads_won"`
	LeadRevenueEUR  string             `json:"lead_revenue_eur"`
	CallbacksDone   int                `json:"callbacks_done"`
	CareCalls       int                `json:"care_calls"`
	Employees       []EmployeeFigsView `json:"employees"`
}

// DayCountView is the calls of one day.
type DayCountView struct {
	Date  string `json:"date"`
	Calls int    `json:"calls"`
}

// FunnelView follows hints from the screen to a signature.
type FunnelView struct {
	Shown       int    `json:"shown"`
	Mentioned   int    `json:"mentioned"`
	Declined    int    `json:"declined"`
	Interested  int    `json:"interested"`
	Won         int    `json:"won"`
	WonValueEUR string `json:"won_value_eur"`
}

// EmployeeFigsView is one employee's part.
type EmployeeFigsView struct {
	ID               int64  `json:"id"`
	Name             string `json:"name"`
	Role             string `json:"role"`
	HintsMentioned   int    `json:"hints_mentioned"`
	HintsInterested  int    `json:"hints_interested"`
	HintLeadsWon     int    `json:"hint_leads_won"`
	HintLeadValueEUR string `json:"hint_lead_value_eur"`
	LeadsWon         int    `json:"leads_won"`
	LeadValueEUR     string `json:"lead_value_eur"`
	CallbacksDone    int    `json:"callbacks_done"`
	CareCalls        int    `json:"care_calls"`
}

// dashboard answers GET /api/v1/dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD,
// both days included, in the firm's time zone; by default this month up to
// today.
func (s *Server) dashboard(c echo.Context) error {
	loc := s.location()
	y, m, d := s.now().In(loc).Date()
	to := time.Date(y, m, d, 0, 0, 0, 0, loc)
	from := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	for _, q := range []struct {
		name string
		t    *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := c.QueryParam(q.name); v != "" {
			t, err := time.ParseInLocation(crm.DateLayout, v, loc)
			if err != nil {
				return crm.Errorf(crm.CodeInvalid, q.name, "%q is not a date as YYYY-MM-DD", v)
			}
			*q.t = t
		}
	}
	f, err := s.cfg.Insight.Dashboard(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	v := DashboardView{From: f.From.Format(crm.DateLayout), To: f.To.Format(crm.DateLayout),
		CallsPerDay: make([]DayCountView, 0, len(f.CallsPerDay)), Calls: f.Calls, Recognised: f.Recognised,
		Unknown: f.Unknown, Withheld: f.Withheld, RecognitionRate: f.RecognitionRate,
		Funnel: FunnelView{Shown: f.Funnel.Shown, Mentioned: f.Funnel.Mentioned, Declined: f.Funnel.Declined,
			Interested: f.Funnel.Interested, Won: f.Funnel.Won, WonValueEUR: f.Funnel.WonValue.String()},
		LeadsWon: f.LeadsWon, LeadRevenueEUR: f.LeadRevenue.String(), CallbacksDone: f.CallbacksDone,
		CareCalls: f.CareCalls, Employees: make([]EmployeeFigsView, 0, len(f.Employees))}
	for _, d := range f.CallsPerDay {
		v.CallsPerDay = append(v.CallsPerDay, DayCountView{Date: d.Date.Format(crm.DateLayout), Calls: d.Calls})
	}
	for _, e := range f.Employees {
		v.Employees = append(v.Employees, EmployeeFigsView{ID: e.EmployeeID, Name: e.Name, Role: string(e.Role),
			HintsMentioned: e.HintsMentioned, HintsInterested: e.HintsInterested, HintLeadsWon: e.HintLeadsWon,
			HintLeadValueEUR: e.HintLeadValue.String(), LeadsWon: e.LeadsWon, LeadValueEUR: e.LeadValue.String(),
			CallbacksDone: e.CallbacksDone, CareCalls: e.CareCalls})
	}
	return c.JSON(http.StatusOK, v)
}
