package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// listCalls answers GET /api/v1/calls?since=&limit=, newest first.
func (s *Server) listCalls(c echo.Context) error {
	var since time.Time
	if v := c.QueryParam("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			d, derr := time.Parse(crm.DateLayout, v)
			if derr != nil {
				return crm.Errorf(crm.CodeInvalid, "since", "%q is not a time (RFC 3339 or YYYY-MM-DD)", v)
			}
			t = d
		}
		since = t
	}
	limit := 100
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return crm.Errorf(crm.CodeInvalid, "limit", "limit must be a whole number from 1 to 1000")
		}
		limit = n
	}
	calls, err := s.cfg.Register.Calls(c.Request().Context(), since, limit)
	if err != nil {
		return err
	}
	out := make([]CallView, 0, len(calls))
	for _, call := range calls {
		out = append(out, callView(call))
	}
	return c.JSON(http.StatusOK, map[string]any{"calls": out})
}

// card answers GET /api/v1/calls/{call_id}/card.
func (s *Server) card(c echo.Context) error {
	ctx := c.Request().Context()
	call, err := s.cfg.Register.CallByRef(ctx, c.Param("call_id"))
	if err != nil {
		return err
	}
	card, err := s.cfg.Register.CardForCall(ctx, call)
	if err != nil {
		return err
	}
	if err := s.audit(c, crm.AuditCardOpened, "call", call.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, CardViewOf(card, s.now()))
}
