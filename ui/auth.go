package ui

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// SessionCookie names the cookie that carries a signed-in browser's token.
const SessionCookie = "callcard_session"

const sessionKey = "callcard.session"

// sessionOf returns the session of a signed-in request.
func sessionOf(c echo.Context) crm.Session {
	s, _ := c.Get(sessionKey).(crm.Session)
	return s
}

// UserOf returns the signed-in user of a request, for the API's routes that
// accept browser sessions (the live event stream).
func (s *Server) UserOf(c echo.Context) (crm.User, bool) {
	ck, err := c.Cookie(SessionCookie)
	if err != nil {
		return crm.User{}, false
	}
	sess, err := s.cfg.Store.SessionByToken(c.Request().Context(), ck.Value)
	if err != nil {
		return crm.User{}, false
	}
	return sess.User, true
}

// requireSession lets only signed-in users through; pages redirect to the
// sign-in form, script requests get 401. Every state-changing request must
// carry the session's CSRF token, in the form or the X-CSRF-Token header.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		var sess crm.Session
		var err error = crm.Errorf(crm.CodeUnauthorised, "session", "not signed in")
		if ck, cerr := c.Cookie(SessionCookie); cerr == nil {
			sess, err = s.cfg.Store.SessionByToken(c.Request().Context(), ck.Value)
		}
		if err != nil {
			if crm.ErrorCode(err) == crm.CodeInternal {
				return err
			}
			if c.Request().Method == http.MethodGet && !isScript(c) {
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			return crm.Errorf(crm.CodeUnauthorised, "session", "your session has ended; sign in again")
		}
		if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
			token := c.Request().Header.Get("X-CSRF-Token")
			if token == "" {
				token = c.FormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) != 1 {
				return crm.Errorf(crm.CodeForbidden, "csrf", "the form has expired; reload the page and try again")
			}
		}
		c.Set(sessionKey, sess)
		return next(c)
	}
}

// requireRole lets only the given roles through (admins always).
func requireRole(roles ...crm.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := sessionOf(c).User
			if u.Role == crm.RoleAdmin {
				return next(c)
			}
			for _, r := range roles {
				if u.Role == r {
					return next(c)
				}
			}
			return crm.Errorf(crm.CodeForbidden, "role", "your role can't open this page")
		}
	}
}

// isScript tells fetch() calls from page loads.
func isScript(c echo.Context) bool {
	return c.Request().Header.Get("X-Requested-With") == "fetch" ||
		strings.Contains(c.Request().Header.Get("Accept"), "application/json")
}

func (s *Server) loginPage(c echo.Context) error {
	if _, ok := s.UserOf(c); ok {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return s.render(c, http.StatusOK, "login", loginData{Next: safeNext(c.QueryParam("next"))})
}

type loginData struct {
	Username string
	Next     string
	Error    string
}

func (s *Server) login(c echo.Context) error {
	username, password := strings.TrimSpace(c.FormValue("username")), c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	data := loginData{Username: username, Next: next}
	key := c.RealIP() + "\x00" + strings.ToLower(username)
	if wait := s.limiter.blocked(key); wait > 0 {
		data.Error = s.t(c, "login.too_many")
		c.Response().Header().Set("Retry-After", formatSeconds(wait))
		return s.render(c, http.StatusTooManyRequests, "login", data)
	}
	u, err := s.cfg.Store.Authenticate(c.Request().Context(), username, password)
	if err != nil {
		if crm.ErrorCode(err) != crm.CodeUnauthorised {
			return err
		}
		s.limiter.fail(key)
		s.log.Info("sign-in refused", "ip", c.RealIP())
		data.Error = s.t(c, "login.wrong")
		return s.render(c, http.StatusUnauthorized, "login", data)
	}
	s.limiter.reset(key)
	sess, err := s.cfg.Store.CreateSession(c.Request().Context(), u.ID, s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: sess.Token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.IsTLS(), Expires: sess.ExpiresAt})
	if u.Language != "" {
		s.setLanguageCookie(c, u.Language)
	}
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(SessionCookie); err == nil {
		if err := s.cfg.Store.DeleteSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.IsTLS()})
	return c.Redirect(http.StatusSeeOther, "/login")
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/"
	}
	return next
}

// loginLimiter slows password guessing: after maxFailures failed sign-ins
// for one address and username within window, further tries wait.
type loginLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	now      func() time.Time
}

const (
	maxFailures = 5
	window      = 15 * time.Minute
)

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{failures: map[string][]time.Time{}, now: now}
}

// recent drops failures older than the window; callers hold mu.
func (l *loginLimiter) recent(key string) []time.Time {
	cut := l.now().Add(-window)
	kept := l.failures[key][:0]
	for _, t := range l.failures[key] {
		if t.After(cut) {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = kept
	return kept
}

func (l *loginLimiter) blocked(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.recent(key)
	if len(f) < maxFailures {
		return 0
	}
	return f[0].Add(window).Sub(l.now())
}

func (l *loginLimiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) > 100000 {
		// Bound memory under a spray of usernames: forget everything.
		l.failures = map[string][]time.Time{}
	}
	l.failures[key] = append(l.recent(key), l.now())
}

func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

func formatSeconds(d time.Duration) string { return strconv.Itoa(int(d.Seconds()) + 1) }

// securityHeaders keeps pages from being framed, sniffed or running script
// from anywhere but this site.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"media-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		return next(c)
	}
}
