def test_site_one_is_the_original_example(client):
    response = client.get("/site/1")
    assert response.status_code == 200
    assert response.json["contact"] == "John Smith"
