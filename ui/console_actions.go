package ui

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// callerOf is the organisation and contact a call's card is about, for
// actions that write to their history.
func (s *Server) callerOf(c echo.Context) (crm.Call, int64, int64, error) {
	call, err := s.callParam(c)
	if err != nil {
		return crm.Call{}, 0, 0, err
	}
	r, err := s.cfg.Store.Recognise(c.Request().Context(), firstNonEmpty(call.From.Raw, call.From.E164))
	if err != nil {
		return crm.Call{}, 0, 0, err
	}
	org := r.CommonOrganisation()
	if org == nil {
		return crm.Call{}, 0, 0, crm.Errorf(crm.CodeInvalid, "organisation",
			"add the caller to the register first; notes, callbacks and hints belong to a client")
	}
	var contactID int64
	if r.Contact != nil {
		contactID = r.Contact.ID
	}
	return call, org.ID, contactID, nil
}

// requestCallback asks a colleague to call the client back.
func (s *Server) requestCallback(c echo.Context) error {
	call, orgID, contactID, err := s.callerOf(c)
	if err != nil {
		return err
	}
	assignee, _ := strconv.ParseInt(c.FormValue("assignee"), 10, 64)
	if _, err := s.cfg.Store.RequestCallback(c.Request().Context(), crm.CallbackInput{OrganisationID: orgID, ContactID: contactID,
		AssigneeID: assignee, AuthorID: sessionOf(c).User.EmployeeID, CallID: strconv.FormatInt(call.ID, 10),
		Message: c.FormValue("message")}); err != nil {
		return err
	}
	return s.renderCard(c, call, s.t(c, "card.callback_saved"))
}

// hintOutcome records what came of a cross-sell hint; "interested" makes a
// lead for the account manager.
func (s *Server) hintOutcome(c echo.Context) error {
	call, orgID, contactID, err := s.callerOf(c)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Store.RecordHintOutcome(c.Request().Context(), crm.HintOutcomeInput{OrganisationID: orgID,
		ContactID: contactID, ServiceCode: c.FormValue("service"), Outcome: crm.HintOutcome(c.FormValue("outcome")),
		AuthorID: sessionOf(c).User.EmployeeID, CallID: strconv.FormatInt(call.ID, 10), Note: c.FormValue("note")}); err != nil {
		return err
	}
	return s.renderCard(c, call, s.t(c, "card.hint_saved"))
}
