package ui

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds one parsed template set per page (the page with the layout
// and the shared partials), parsed once at start-up.
type pages struct {
	sets map[string]*template.Template
}

// funcs are the helpers templates may call; formatting that depends on the
// language goes through the page's Locale (.L) instead.
func funcs(static *staticFiles) template.FuncMap {
	return template.FuncMap{
		"static": static.url,
		"roleIs": func(u crm.User, roles ...string) bool {
			if u.Role == crm.RoleAdmin {
				return true
			}
			for _, r := range roles {
				if string(u.Role) == r {
					return true
				}
			}
			return false
		},
		"initials": func(name string) string {
			var b strings.Builder
			for _, f := range strings.Fields(name) {
				if r := []rune(f); len(r) > 0 && b.Len() < 2 && r[0] >= 'A' && r[0] <= 'Z' {
					b.WriteRune(r[0])
				}
			}
			return b.String()
		},
	}
}

func parsePages(static *staticFiles) (*pages, error) {
	shared, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	all, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, file := range all {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "templates/"), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		files := append([]string{file}, shared...)
		t, err := template.New(name).Funcs(funcs(static)).ParseFS(templateFS, files...)
		if err != nil {
			return nil, err
		}
		p.sets[name] = t
	}
	return p, nil
}

// Page is what every page template gets: the signed-in user, the language,
// the CSRF token for forms, and the page's own data.
type Page struct {
	Title string
	User  crm.User
	CSRF  string
	L     Locale
	Path  string
	Data  any
}

// render writes a full page (the layout around the page's "content").
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	return s.execute(c, status, name, "layout", data)
}

// renderFragment writes a named block of a page without the layout, for
// the console script to insert.
func (s *Server) renderFragment(c echo.Context, status int, page, block string, data any) error {
	return s.execute(c, status, page, block, data)
}

// execute renders into a buffer first, so a template error becomes a clean
// 500 rather than half a page.
func (s *Server) execute(c echo.Context, status int, page, block string, data any) error {
	t, ok := s.pages.sets[page]
	if !ok {
		return crm.Errorf(crm.CodeInternal, "", "no template %q", page)
	}
	sess := sessionOf(c)
	p := Page{User: sess.User, CSRF: sess.CSRF, L: s.locale(c), Path: c.Request().URL.Path, Data: data}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		return &crm.Error{Code: crm.CodeInternal, Message: "rendering " + page, Err: err}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// ErrorPages wraps the error handler so that page requests get an HTML
// error page and API and script requests keep their JSON.
func (s *Server) ErrorPages(next echo.HTTPErrorHandler) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed || strings.HasPrefix(c.Request().URL.Path, "/api/") || isScript(c) ||
			c.Request().URL.Path == "/metrics" || c.Request().URL.Path == "/healthz" {
			next(err, c)
			return
		}
		status := http.StatusInternalServerError
		msg := s.t(c, "error.internal")
		var he *echo.HTTPError
		switch {
		case errors.As(err, &he):
			status = he.Code
			msg = http.StatusText(he.Code)
		case crm.ErrorCode(err) == crm.CodeInternal:
			s.log.Error("page failed", "path", c.Path(), "err", err)
		default:
			status = s.cfg.StatusOf(err)
			msg = crm.ErrorMessage(err)
		}
		if rerr := s.render(c, status, "error", msg); rerr != nil {
			next(err, c)
		}
	}
}
