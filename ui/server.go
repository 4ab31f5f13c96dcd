// Package ui is the receptionist console and the register's pages:
// server-rendered HTML with a small script for live updates.
package ui

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// Store is what the console needs of the client register.
type Store interface {
	Authenticate(ctx context.Context, username, password string) (crm.User, error)
	CreateSession(ctx context.Context, userID int64, ttl time.Duration) (crm.Session, error)
	SessionByToken(ctx context.Context, token string) (crm.Session, error)
	DeleteSession(ctx context.Context, token string) error

	Recognise(ctx context.Context, raw string) (crm.Recognition, error)
	CallByRef(ctx context.Context, ref string) (crm.Call, error)
	CardForCall(ctx context.Context, call crm.Call) (crm.Card, error)
	TodaysCalls(ctx context.Context, loc *time.Location, limit int) ([]crm.CallSummary, error)
	LastLiveEventID(ctx context.Context) (int64, error)
	TakeCall(ctx context.Context, callID, employeeID int64) (crm.LiveEvent, error)
	HandleCall(ctx context.Context, callID, employeeID int64) (crm.LiveEvent, error)

	AddInteraction(ctx context.Context, in crm.InteractionInput) (crm.Interaction, error)
	CreateContact(ctx context.Context, in crm.ContactInput) (crm.Contact, error)
	UpdateContact(ctx context.Context, id int64, in crm.ContactInput) (crm.Contact, error)
	Contact(ctx context.Context, id int64) (crm.Contact, error)
	Contacts(ctx context.Context, organisationID int64) ([]crm.Contact, error)
	CreateOrganisation(ctx context.Context, in crm.OrganisationInput) (crm.Organisation, error)
	UpdateOrganisation(ctx context.Context, id int64, in crm.OrganisationInput) (crm.Organisation, error)
	Organisation(ctx context.Context, id int64) (crm.Organisation, error)
	OrganisationByName(ctx context.Context, name string) (crm.Organisation, error)
	SearchOrganisations(ctx context.Context, q string, limit int) ([]crm.Organisation, error)
	Subscriptions(ctx context.Context, organisationID int64) ([]crm.Subscription, error)
	Interactions(ctx context.Context, organisationID int64, limit int) ([]crm.Interaction, error)
	Employees(ctx context.Context) ([]crm.Employee, error)
	Employee(ctx context.Context, id int64) (crm.Employee, error)
	Services(ctx context.Context) ([]crm.Service, error)
	RequestCallback(ctx context.Context, in crm.CallbackInput) (crm.Interaction, error)
	RecordHintOutcome(ctx context.Context, in crm.HintOutcomeInput) (crm.Interaction, error)

	// The register's edit pages and the admin pages.
	DeleteNumber(ctx context.Context, id int64) error
	SaveEmployee(ctx context.Context, in crm.EmployeeInput) (crm.Employee, error)
	SaveServices(ctx context.Context, ins []crm.ServiceInput) error
	CreateUser(ctx context.Context, in crm.UserInput) (crm.User, error)
	Users(ctx context.Context) ([]crm.User, error)
	SetUserDisabled(ctx context.Context, userID int64, disabled bool) error
	SetPassword(ctx context.Context, userID int64, password string) error
	CreateToken(ctx context.Context, name string) (crm.APIToken, string, error)
	Tokens(ctx context.Context) ([]crm.APIToken, error)
	RevokeToken(ctx context.Context, name string) error

	// Privacy: the audit log, erasure and subject access (ui/privacy.go).
	PrivacyStore

	// Commercial insight: my work, the care list, goals and the dashboard.
	OpenWork(ctx context.Context, employeeID int64) ([]crm.Interaction, error)
	CompleteWork(ctx context.Context, interactionID, byEmployeeID int64, note string) error
	CloseLead(ctx context.Context, interactionID, byEmployeeID int64, won bool, value crm.Money, note string) error
	CareList(ctx context.Context, opt crm.CareOptions) ([]crm.CareItem, error)
	RecordCare(ctx context.Context, organisationID, byEmployeeID int64, outcome string, note string) (crm.Interaction, error)
	Goals(ctx context.Context) ([]crm.Goal, error)
	SaveGoal(ctx context.Context, in crm.GoalInput) (crm.Goal, error)
	DeleteGoal(ctx context.Context, id int64) error
	GoalProgress(ctx context.Context, now time.Time) ([]crm.GoalProgress, error)
	SaveRoleContribution(ctx context.Context, role crm.Role, text string) error
	RoleContributions(ctx context.Context) ([]crm.RoleContribution, error)
	Dashboard(ctx context.Context, from, to time.Time) (crm.DashboardFigures, error)
	MyFigures(ctx context.Context, employeeID int64, from, to time.Time) (crm.EmployeeFigures, error)
}

// Config wires the console.
type Config struct {
	Store  Store
	Logger *slog.Logger
	// Publish sends a committed live event to every screen (the API's hub).
	Publish func(crm.LiveEvent)
	// SecureCookies marks cookies Secure; on whenever the public URL is https.
	SecureCookies bool
	// SessionTTL is how long a sign-in lasts; 0 means 12 hours, a working day.
	SessionTTL time.Duration
	// Location is the firm's time zone for "today"; nil means Europe/Amsterdam.
	Location *time.Location
	// StatusOf maps a domain error to its HTTP status (the API's mapping).
	StatusOf func(error) int
	Now      func() time.Time
}

// Server is the console; its handlers are methods on it.
type Server struct {
	cfg     Config
	log     *slog.Logger
	pages   *pages
	static  *staticFiles
	limiter *loginLimiter
	locales map[string]Locale
	now     func() time.Time
}

// New builds the console and registers its routes on e.
func New(e *echo.Echo, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.Location == nil {
		loc, err := time.LoadLocation("Europe/Amsterdam")
		if err != nil {
			loc = time.UTC
		}
		cfg.Location = loc
	}
	if cfg.StatusOf == nil {
		return nil, errors.New("ui: Config.StatusOf is required")
	}
	if cfg.Publish == nil {
		cfg.Publish = func(crm.LiveEvent) {}
	}
	static, err := newStaticFiles()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, static: static, limiter: newLoginLimiter(cfg.Now),
		locales: newLocales(cfg.Location), now: cfg.Now}
	if s.pages, err = parsePages(static); err != nil {
		return nil, err
	}
	e.HTTPErrorHandler = s.ErrorPages(e.HTTPErrorHandler)
	e.Use(securityHeaders)
	e.GET("/static/:hash/:name", s.static.serve)
	e.GET("/login", s.loginPage)
	e.POST("/login", s.login)
	e.GET("/lang/:lang", s.switchLanguage)

	signedIn := e.Group("", s.requireSession)
	signedIn.POST("/logout", s.logout)
	signedIn.GET("/", s.console)
	signedIn.GET("/console/calls", s.todaysCalls)
	signedIn.GET("/console/cards/:id", s.cardFragment)
	signedIn.POST("/console/calls/:id/take", s.takeCall)
	signedIn.POST("/console/calls/:id/handled", s.handledCall)
	signedIn.POST("/console/calls/:id/note", s.addNote)
	signedIn.POST("/console/calls/:id/quick-add", s.quickAdd)
	signedIn.POST("/console/calls/:id/callback", s.requestCallback)
	signedIn.POST("/console/calls/:id/hint", s.hintOutcome)
	signedIn.GET("/console/organisations", s.organisationOptions)
	s.registerPages(signedIn)
	s.registerPrivacy(signedIn)
	s.registerInsight(signedIn)
	return s, nil
}
