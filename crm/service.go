package crm

// Service is one thing in our catalogue, with the line a receptionist can say.
type Service struct {
	ID       int64
	Code     string // short and stable, e.g. "backup"
	Name     string
	Pitch    string // one line to say on the phone
	Keywords []string
	// Complements lists the services that make this one relevant: holding
	// one of them makes this one worth mentioning, by Weight.
	Complements []Complement
}

// Complement says: holding service Of makes the owning service relevant.
type Complement struct {
	Of     string  // service code
	Weight float64 // in (0, 1]
}
