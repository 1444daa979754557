package session

// Latest is the folder's latest stored result as it is (nil before its
// first diagnosis): not diagnosed again for edits that came after it.
// Requests answered within a keystroke (completion, document links) read
// facts from it and take positions from the open buffer itself.
func (s *Session) Latest(folder string) *FolderResult { return s.d.result(folder) }
