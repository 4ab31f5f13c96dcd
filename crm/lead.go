package crm

import "strings"

// How a closed lead ended, stored as the interaction's Outcome.
const (
	LeadWon  = "won"
	LeadLost = "lost"
)

// CallbackInput asks someone to call a client back.
type CallbackInput struct {
	OrganisationID int64 // may be 0 when ContactID is given
	ContactID      int64 // whom to call, if known
	AssigneeID     int64 // who calls back; 0 means the organisation's account manager
	AuthorID       int64 // who took the message
	CallID         string
	Message        string // what the caller wants; empty gives a plain "please call back"
}

// maxNote bounds notes and messages typed on the console.
const maxNote = 2000

// cleanNote trims a note and refuses one too long to be a note.
func cleanNote(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxNote {
		return "", Errorf(CodeInvalid, "note", "the note is longer than %d characters", maxNote)
	}
	return s, nil
}

// withNote appends a note to a generated summary.
func withNote(summary, note string) string {
	if note == "" {
		return summary + "."
	}
	return summary + ": " + note
}
