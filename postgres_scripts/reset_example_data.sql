-- Development only (flask db reset): every row of the inventory, its history, users and tokens
-- deleted, ids restarted; mock_data.sql then loads the example data again. The schema stays.

TRUNCATE lab, site, computer, freezer, rack, box, container, attachment, barcode, history, app_user, api_token,
    lab_member, checkout
    RESTART IDENTITY;
