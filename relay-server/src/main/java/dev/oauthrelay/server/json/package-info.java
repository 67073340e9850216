/** Small JSON documents (Graph requests and errors, token stand-in answers) with the library MSAL4J brings. */
package dev.oauthrelay.server.json;
