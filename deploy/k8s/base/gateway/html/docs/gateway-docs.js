// One Swagger UI over the three services' specs, with the selector in the top bar.
window.ui = SwaggerUIBundle({
  urls: [
    { url: '/users/openapi.json', name: 'users' },
    { url: '/orders/openapi.json', name: 'orders' },
    { url: '/payments/openapi.json', name: 'payments' },
  ],
  'urls.primaryName': 'users',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  plugins: [SwaggerUIBundle.plugins.DownloadUrl],
  layout: 'StandaloneLayout',
});
