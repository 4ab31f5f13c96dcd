package api

import (
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// MaxDisplayName is what desk phones show of a caller's name.
const MaxDisplayName = 40

// lookup answers GET /api/v1/lookup?number=...[&format=text]: who is behind
// a number, for telephone systems that pull a name for the desk phone.
func (s *Server) lookup(c echo.Context) error {
	started := time.Now()
	defer func() { s.cfg.Metrics.LookupSeconds.Observe(time.Since(started).Seconds()) }()
	q := c.QueryParams()
	if _, ok := q["number"]; !ok {
		return crm.Errorf(crm.CodeInvalid, "number", "give the number to look up as ?number=")
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "text" {
		return crm.Errorf(crm.CodeInvalid, "format", "%q is not a format (json, text)", format)
	}
	r, err := s.cfg.Register.Recognise(c.Request().Context(), q.Get("number"))
	if crm.ErrorCode(err) == crm.CodeInvalid {
		return withStatus(http.StatusUnprocessableEntity, err)
	}
	if err != nil {
		return err
	}
	s.cfg.Metrics.Recognitions.WithLabelValues(string(r.Match)).Inc()
	if format == "text" {
		name := r.DisplayName()
		if name == "" {
			return c.NoContent(http.StatusNotFound)
		}
		return c.String(http.StatusOK, truncate(name, MaxDisplayName))
	}
	return c.JSON(http.StatusOK, recognitionView(r, s.now()))
}

// truncate shortens s to at most n characters, ending in "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
