// Package api is callcard's HTTP interface for telephone systems: call
// webhooks, number look-ups, calls and cards, and live events.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/callcard/callcard/crm"
)

// Register is what the API needs of the client register.
type Register interface {
	Ping(ctx context.Context) error
	Recognise(ctx context.Context, raw string) (crm.Recognition, error)
	RecordAndPublishCallEvent(ctx context.Context, in crm.CallEventInput, publish func(crm.LiveEvent)) (crm.CallEventResult, error)
	CallByRef(ctx context.Context, ref string) (crm.Call, error)
	CardForCall(ctx context.Context, call crm.Call) (crm.Card, error)
	Calls(ctx context.Context, since time.Time, limit int) ([]crm.Call, error)
	LiveEventsSince(ctx context.Context, afterID int64, limit int) ([]crm.LiveEvent, error)
	LastLiveEventID(ctx context.Context) (int64, error)
	AuthenticateToken(ctx context.Context, secret string) (crm.APIToken, error)
	Audit(ctx context.Context, e crm.AuditEntry) error
	DiskFlushes() uint64
}

// Principal is who is calling: a telephone system with a token, or a signed
// in user when the console plugs in its sessions.
type Principal struct {
	Kind       string // "token", "webhook-signature" or "user"
	Name       string
	Role       crm.Role // for users
	EmployeeID int64    // for users: who they are on the staff list, 0 if nobody
	UserID     int64    // for users: their console user id, for the audit log; 0 if not given
}

// SessionAuth lets the console authenticate browser requests (cookies) on
// API routes; it returns false when the request carries no valid session.
type SessionAuth func(c echo.Context) (Principal, bool)

// Config wires the API. Secrets are optional: a webhook source whose secret
// is empty only accepts bearer tokens (generic) or is switched off (Twilio,
// Aircall).
type Config struct {
	Register        Register
	Hub             *Hub
	Metrics         *Metrics
	Logger          *slog.Logger
	PublicURL       string // how telephone systems reach us, e.g. https://callcard.example.com
	WebhookSecret   string // Standard Webhooks secret, "whsec_..."
	TwilioAuthToken string
	AircallToken    string
	Sessions        SessionAuth // nil until the console provides it
	Now             func() time.Time
	Heartbeat       time.Duration // SSE heartbeat; 0 means 15 s

	// Insight serves the commercial insight routes (hints, my work, care
	// list, dashboard) to signed-in users; nil leaves them out.
	Insight Insight
	// Location is the firm's time zone for calendar days; nil means
	// Europe/Amsterdam.
	Location *time.Location
}

// Server holds the API's dependencies; its handlers are methods on it.
type Server struct {
	cfg Config
	log *slog.Logger
	now func() time.Time
}

// New builds the API and registers its routes on e.
func New(e *echo.Echo, cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	s := &Server{cfg: cfg, log: cfg.Logger, now: cfg.Now}
	cfg.Metrics.watchFlushes(cfg.Register.DiskFlushes)
	e.GET("/healthz", s.health)
	e.HEAD("/healthz", s.health)

	v1 := e.Group("/api/v1")
	v1.POST("/webhooks/call", s.genericWebhook)
	v1.POST("/webhooks/twilio", s.twilioWebhook)
	v1.POST("/webhooks/aircall", s.aircallWebhook)

	authed := v1.Group("", s.requireAuth)
	authed.GET("/lookup", s.lookup)
	authed.GET("/calls", s.listCalls)
	authed.GET("/calls/:call_id/card", s.card)
	authed.GET("/events", s.events)
	if cfg.Insight != nil {
		s.registerInsight(authed)
	}
	e.GET("/metrics", echo.WrapHandler(cfg.Metrics.Handler()), s.requireAuth)
	return s
}

// NewEcho makes an echo instance with callcard's error handler, request
// logging without query strings (they hold phone numbers), and panic
// recovery, ready for New and the console to add routes.
func NewEcho(log *slog.Logger) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// The client's address (sign-in throttling, logs) is the peer's, or, when
	// the peer is a proxy on this machine, the last address that proxy put in
	// X-Forwarded-For. Echo's default believes the first X-Forwarded-For
	// value, which any client can write.
	e.IPExtractor = echo.ExtractIPFromXFFHeader(echo.TrustLoopback(true), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))
	e.HTTPErrorHandler = ErrorHandler(log)
	e.Use(middleware.Recover())
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURIPath: true, LogStatus: true, LogLatency: true, LogError: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			// The event stream logs once when it closes; heartbeats aren't requests.
			log.LogAttrs(context.Background(), level, "request",
				slog.String("method", v.Method), slog.String("path", v.URIPath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency))
			return nil
		},
	}))
	return e
}

func (s *Server) health(c echo.Context) error {
	if err := s.cfg.Register.Ping(c.Request().Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
