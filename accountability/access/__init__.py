"""Who may do what beyond jurisdiction scoping: which import kinds a user may run and confirm
(``imports``), which roles a user may hand out (``user_roles``). Jurisdiction scoping itself is in
accountability/access/scoping.py, personal-data masking in accountability/access/personal_data.py."""
