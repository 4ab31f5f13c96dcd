package api

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

const principalKey = "callcard.principal"

// bearer returns the token of an "Authorization: Bearer" header, or "".
func bearer(c echo.Context) string {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authenticate accepts an API token or, where the console is wired in, a
// signed-in user's session.
func (s *Server) authenticate(c echo.Context) (Principal, error) {
	if tok := bearer(c); tok != "" {
		t, err := s.cfg.Register.AuthenticateToken(c.Request().Context(), tok)
		if err != nil {
			return Principal{}, err
		}
		return Principal{Kind: "token", Name: t.Name}, nil
	}
	if s.cfg.Sessions != nil {
		if p, ok := s.cfg.Sessions(c); ok {
			return p, nil
		}
	}
	return Principal{}, crm.Errorf(crm.CodeUnauthorised, "authorization", "sign in or send an API token as 'Authorization: Bearer <token>'")
}

// requireAuth lets only authenticated requests through.
func (s *Server) requireAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, err := s.authenticate(c)
		if err != nil {
			return err
		}
		c.Set(principalKey, p)
		return next(c)
	}
}

// PrincipalOf returns who made an authenticated request.
func PrincipalOf(c echo.Context) (Principal, bool) {
	p, ok := c.Get(principalKey).(Principal)
	return p, ok
}
