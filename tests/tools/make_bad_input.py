"""Write the bad-input corpus, tests/data/bad_input/*.csv: one broken file or one invalid cell per file.

The files are committed; this script says how the large and binary ones were made, and
rewrites them all: python tests/tools/make_bad_input.py
The one error each file must give is in tests/data/bad_input/expected.yml (reviewed line by line).
Names, groups and emails refer to the small organisation of tests/integration/org.py.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), 'data', 'bad_input')
MISSING_ID = 'ffffffffffffffffffffffff'


def text(body):
    return body.encode('utf-8')


FILES = {
    # the file itself
    'unbalanced_quotes': text('Username,jobTitle\nbob,"Analyst\nalice,Engineer\n'),
    'semicolon_delimiter': text('Username;jobTitle\nbob;Analyst\n'),
    'tab_delimiter': text('Username\tjobTitle\nbob\tAnalyst\n'),
    'empty': b'',
    'whitespace_only': b'  \n\n\t \n',
    'header_only': text('Username,jobTitle,department\n'),
    'duplicate_headers': text('Username,jobTitle,JobTitle \nbob,Analyst,Lead\n'),
    'duplicate_alias_headers': text('Username,home_city,home_locality\nbob,Denver,Boulder\n'),
    'blank_header_with_data': text('Username,,jobTitle\nbob,orphan,Analyst\n'),
    'binary_png': b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10',
    'latin1_bytes': 'Username,jobTitle\nbob,Ingénieur\n'.encode('latin-1'),
    'windows1252_quotes': 'Username,jobTitle\nbob,\u201cAnalyst\u201d\n'.encode('cp1252'),
    'utf16': 'Username,jobTitle\nbob,Analyst\n'.encode('utf-16'),
    'one_megabyte_cell': text('Username,description\nbob,' + 'x' * (1024 * 1024) + '\n'),
    'ten_thousand_columns': text(','.join(['Username'] + ['Attribute%d_name' % i for i in range(1, 10000)]) +
                                 '\nbob\n'),
    'no_username_column': text('jobTitle,department\nAnalyst,Finance\n'),
    'unknown_header': text('Username,jobTitel\nbob,Analyst\n'),
    'more_cells_than_headers': text('Username,jobTitle\nbob,Analyst,extra\n'),
    'token_first_line': text('eyJhbGciOiJSUzI1NiIsImtpZCI6IkX.SERVICE-ACCOUNT-TOKEN.sig\n'),
    'group_number_5000_digits': text('Username,Group' + '1' * 5000 + '\nbob,Finance\n'),
    'long_unknown_header': text('Username,' + 'z' * 5000 + '\nbob,x\n'),
    # one invalid value
    'missing_username': text('Username,jobTitle\nbob,Analyst\n,Lead\n'),
    'duplicate_username': text('Username,jobTitle\nbob,Analyst\nerin,Lead\nbob,Boss\n'),
    'bad_email': text('Username,Email\nbob,bob-at-example.com\n'),
    'bad_alternate_email': text('Username,alternateEmail\nbob,bob@\n'),
    'bad_recovery_email': text('Username,recoveryEmail\nbob,@example.com\n'),
    'bad_managed_apple_id': text('Username,managedAppleId\nbob,bob example.com\n'),
    'bad_boolean_flag': text('Username,account_locked\nbob,maybe\n'),
    'bad_mfa_boolean': text('Username,enable_user_portal_multifactor\nbob,enabled\n'),
    'bad_ldap_binding_boolean': text('Username,ldap_binding_user\nbob,2\n'),
    'bad_administrator': text('Username,SystemID,Administrator\nbob,,admin\n'),
    'unix_uid_text': text('Username,unix_uid\nbob,five thousand\n'),
    'unix_uid_zero': text('Username,unix_uid\nbob,0\n'),
    'unix_uid_negative': text('Username,unix_uid\nbob,-5\n'),
    'unix_uid_decimal': text('Username,unix_uid\nbob,5001.5\n'),
    'unix_uid_underscore': text('Username,unix_uid\nbob,5_001\n'),
    'unix_uid_fullwidth_digits': text('Username,unix_uid\nbob,\uff15\uff10\uff10\uff11\n'),
    'unix_guid_too_big': text('Username,unix_guid\nbob,4294967296\n'),
    'unix_uid_4401_digits': text('Username,unix_uid\nbob,' + '9' * 4401 + '\n'),
    'email_131_kb': text('Username,Email\nbob,a@' + '.' * 131000 + '@\n'),
    'email_255_characters': text('Username,Email\nbob,' + 'b' * 243 + '@example.com\n'),
    'username_1025_characters': text('Username,jobTitle\n' + 'u' * 1025 + ',Analyst\n'),
    'enrollment_days_zero': text('Username,enable_user_portal_multifactor,EnrollmentDays\nbob,true,0\n'),
    'enrollment_days_366': text('Username,enable_user_portal_multifactor,EnrollmentDays\nbob,true,366\n'),
    'enrollment_days_text': text('Username,enable_user_portal_multifactor,EnrollmentDays\nbob,true,a week\n'),
    'attribute_name_without_value': text('Username,Attribute1_name,Attribute1_value\nbob,costCode,\n'),
    'attribute_value_without_name': text('Username,Attribute1_name,Attribute1_value\nbob,,CC100\n'),
    'attribute_same_name_twice': text('Username,Attribute1_name,Attribute1_value,Attribute2_name,Attribute2_value\n'
                                      'bob,costCode,CC1,costCode,CC2\n'),
    'attribute_name_bad_characters': text('Username,Attribute1_name,Attribute1_value\nbob,cost-code,CC100\n'),
    'clear_token_on_email': text('Username,Email\nbob,__CLEAR__\n'),
    'clear_token_on_group': text('Username,Group1\nbob,__CLEAR__\n'),
    'group_named_twice': text('Username,Group1,Group2\nbob,Finance,Finance\n'),
    # one missing reference
    'unknown_user': text('Username,jobTitle\nbob,Analyst\nnobody,Lead\n'),
    'unknown_group': text('Username,Group1\nbob,Engineerin\n'),
    'unknown_system': text('Username,SystemID\nbob,%s\n' % MISSING_ID),
    'malformed_system_id': text('Username,SystemID\nbob,host-a\n'),
    'unknown_ldap_server': text('Username,ldapserver_id\nbob,%s\n' % MISSING_ID),
    'unknown_manager': text('Username,manager\nbob,nobody@example.com\n'),
    'manager_is_self': text('Username,manager\nbob,bob\n'),
    'employee_id_taken': text('Username,employeeIdentifier\nbob,E1\n'),
    'employee_id_twice_in_file': text('Username,employeeIdentifier\nbob,E9\ncarol,E9\n'),
    'email_taken': text('Username,Email\nbob,alice@example.com\n'),
    'email_twice_in_file': text('Username,Email\nbob,new@example.com\ncarol,new@example.com\n'),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in FILES.items():
        with open(os.path.join(OUT, name + '.csv'), 'wb') as handle:
            handle.write(data)
    print('%d files in %s' % (len(FILES), OUT))


if __name__ == '__main__':
    main()
