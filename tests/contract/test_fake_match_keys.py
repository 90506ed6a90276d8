"""What the fake's user search does with the keys match_on finds users by: an email or an employeeIdentifier is
equal only in its exact case (a case-insensitive email takes the PowerShell module's $regex form), and a custom
attribute is no search field at all: no documented filter reaches into the ``attributes`` array (JumpCloud's own
answer in TheJumpCloud/support#20, the module's docs filtering attributes client-side), so the fake finds nobody
by one, or refuses the operator, and the collection lists the users instead."""
import requests

from testenv import API_KEY


def search(fake, search_filter, fields='username', status=200, **extra):
    body = dict({'fields': fields, 'limit': 1000}, **extra)
    if search_filter is not None:
        body['filter'] = search_filter
    response = requests.post('%s/api/search/systemusers' % fake.url, headers={'x-api-key': API_KEY}, timeout=10,
                             json=body)
    assert response.status_code == status, response.text
    return response.json()


def names(answer):
    return sorted(u['username'] for u in answer['results'])


def test_an_email_or_employee_identifier_is_equal_in_its_exact_case_only(fake):
    fake.org.add_user('kim', email='Kim.Lee@example.com', employeeIdentifier='Ab-7')
    assert names(search(fake, {'or': [{'email': 'kim.lee@example.com'}]})) == []
    assert names(search(fake, {'or': [{'email': 'Kim.Lee@example.com'}]})) == ['kim']
    assert names(search(fake, {'or': [{'email': {'$regex': r'(?i)(^kim\.lee@example\.com$)'}}]})) == ['kim']
    assert names(search(fake, {'or': [{'employeeIdentifier': 'ab-7'}]})) == []
    assert names(search(fake, {'or': [{'employeeIdentifier': 'Ab-7'}]})) == ['kim']


def test_no_filter_finds_a_user_by_a_custom_attribute(fake):
    fake.org.add_user('lou', attributes=[{'name': 'WorkdayID', 'value': 'W42'}])
    for search_filter in ({'attributes.name': 'WorkdayID'}, {'attributes.value': 'W42'},
                          {'and': [{'attributes.name': 'WorkdayID'}, {'attributes.value': 'W42'}]},
                          {'WorkdayID': 'W42'}, {'attributes': {'name': 'WorkdayID', 'value': 'W42'}},
                          {'attributes': {'$elemMatch': {'name': 'WorkdayID', 'value': 'W42'}}}):
        response = requests.post('%s/api/search/systemusers' % fake.url, headers={'x-api-key': API_KEY}, timeout=10,
                                 json={'filter': search_filter, 'fields': 'username', 'limit': 1000})
        # found by nobody: no user answered, or the operator refused
        assert response.status_code == 400 or response.json()['totalCount'] == 0, (search_filter, response.text)
    refused = search(fake, {'attributes': {'$elemMatch': {'name': 'WorkdayID'}}}, status=400)
    assert 'unsupported filter operator' in refused['message']


def test_the_users_are_listed_with_their_custom_attributes_1000_a_page(fake):
    total = len(fake.org.users)
    fake.org.add_user('lou', attributes=[{'name': 'WorkdayID', 'value': 'W42'}])
    page = search(fake, None, fields='_id username attributes')
    assert page['totalCount'] == total + 1 and len(page['results']) == total + 1
    lou = next(u for u in page['results'] if u['username'] == 'lou')
    assert [(a['name'], a['value']) for a in lou['attributes']] == [('WorkdayID', 'W42')]
    assert set(lou) <= {'_id', 'id', 'username', 'attributes'}
